"""Versioning, one implementation for modules and programmes: lock a draft, change it,
publish it, start a new draft from the latest published version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import audit

from ..content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)
from ..models import (
    Status,
)
from .common import (
    PublishedVersionError,
    _check_names,
    _describe,
    _snapshot,
)

# --- versions: modules and programmes alike ------------------------------------------


@dataclass(frozen=True)
class _Versioned:
    """What differs between module versions and programme versions."""

    version_model: type
    parent: str  # the version's foreign key to its module or programme
    fields: tuple[str, ...]  # editable in a draft, copied into a new draft
    clean: Callable  # the checks before a version is saved
    problems: Callable  # what stops a version from being published
    copy_children: Callable  # (latest, draft): the steps or the module list


def _locked(kind: _Versioned, version):
    """The version read afresh and locked; refused when it is published."""
    fresh = (
        kind.version_model.objects.select_for_update(no_key=True)
        .select_related(kind.parent)
        .get(pk=version.pk)
    )
    if fresh.status != Status.DRAFT:
        raise PublishedVersionError(fresh)
    return fresh


def draft_digest(kind: _Versioned, version) -> str:
    """A draft's details (``kind.fields``) as an editor's form drew them, for the form to
    send back (no version column: the same kind of digest as ``Step.content_digest``)."""
    text = json.dumps([getattr(version, n) for n in kind.fields], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def draft_list_digest(rows) -> str:
    """A list of a draft's rows as a form drew them (the programme's modules, 0152)."""
    text = json.dumps(list(rows), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _update_draft(
    kind: _Versioned, version, fields: dict, *, acting_user, event: str, drawn: str | None = None
):
    """``drawn``: the draft's ``draft_digest`` when the form was drawn; details saved by
    someone else since (another author, another tab) are not overwritten: a
    ValidationError (``draft_changed_meanwhile``), nothing changed. Before, the last
    "Save" put the other's details back without a word (decision 0149)."""
    _check_names(fields, kind.fields)
    version = _locked(kind, version)
    if drawn and drawn != draft_digest(kind, version):
        raise ValidationError(
            _(
                "Someone else saved this draft's details after you opened it, so your "
                "changes were not saved. They are still below: compare them with the draft "
                "as it is now (open it in another tab), then save again."
            ),
            code="draft_changed_meanwhile",
        )
    before = _snapshot(version, fields)
    for name, value in fields.items():
        setattr(version, name, value)
    kind.clean(version)
    version.save()
    audit.record_for_clinic(
        event, None, acting_user, version, _describe(before, _snapshot(version, fields))
    )
    return version


def _publish(kind: _Versioned, version, *, acting_user):
    """Publishes a draft without problems; the caller records its audit event."""
    version = _locked(kind, version)
    problems = kind.problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = acting_user
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


def _new_draft(kind: _Versioned, parent, *, acting_user, event: str):
    """A new draft copying the latest published version and its children; if there is a
    draft already, that draft (one at most)."""
    parent = type(parent).objects.select_for_update(no_key=True).get(pk=parent.pk)
    draft = parent.versions.filter(status=Status.DRAFT).first()
    if draft is not None:
        return draft
    latest = parent.versions.filter(status=Status.PUBLISHED).order_by("-number").first()
    if latest is None:
        raise ValueError(
            f"{type(parent).__name__} {parent.pk} has neither a draft nor a published version"
        )
    number = parent.versions.aggregate(m=Max("number"))["m"] + 1
    copy = {name: getattr(latest, name) for name in kind.fields}
    draft = kind.version_model.objects.create(
        **{kind.parent: parent}, number=number, created_by=acting_user, **copy
    )
    kind.copy_children(latest, draft)
    audit.record_for_clinic(
        event, None, acting_user, draft, {"from": latest.number, "number": number}
    )
    return draft
