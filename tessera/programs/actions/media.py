"""Storing an uploaded media file, once per region."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from tessera.core import audit

from ..content_rules import (
    MEDIA_TYPES,
    read_head,
    sniff_media_type,
    upload_problem,
)
from ..content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)
from ..models import (
    MediaFile,
)


@transaction.atomic
def do_store_media(region, *, acting_user, upload) -> MediaFile:
    """Store an uploaded file once per region (by its SHA-256); the same file again
    returns the MediaFile already stored."""
    problem = upload_problem(upload)
    if problem:
        raise ValidationError(problem)
    content_type = sniff_media_type(read_head(upload))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    existing = MediaFile.objects.filter(region=region, sha256=sha).first()
    if existing is not None:
        return existing
    upload.seek(0)
    name = PurePath(upload.name or "").name[:200] or "upload"
    media = MediaFile(
        region=region, sha256=sha, content_type=content_type, size=upload.size, original_name=name
    )
    media.file.save(f"{sha[:32]}{MEDIA_TYPES[content_type]}", upload, save=False)
    media.save()
    audit.record_for_clinic(
        "media.stored",
        None,
        acting_user,
        media,
        {"content_type": content_type, "size": media.size, "sha256": sha},
    )
    return media
