"""Writing content packages.

``export_programme(programme_version)`` gives the zip of one published programme version:
manifest.json with the module versions it pins (step bodies inline) and their media.
The same content always gives the same bytes: entries are sorted, timestamps and
permissions fixed, the manifest's keys in a fixed order. ``zip_directory`` packs a
package kept as a folder (tessera/programs/content/<name>/) the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

from ..models import MediaFile, ModuleVersion, ProgrammeVersion, Step
from .manifest import FORMAT, FORMAT_VERSION, MEDIA_TYPES, validate_manifest

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ExportError(Exception):
    """The programme cannot be exported as it is; ``problems`` says why."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def write_zip(files: dict[str, bytes]) -> bytes:
    """A zip of these files, the same bytes for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            # Media are compressed already; text is worth deflating.
            info.compress_type = (
                zipfile.ZIP_STORED if name.startswith("media/") else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def zip_directory(folder: Path) -> bytes:
    """Pack a package kept as a folder. Hidden files are left out; a symbolic link is an
    error (a package never points outside itself)."""
    folder = Path(folder)
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_symlink():
            raise ExportError([_("%(path)s is a symbolic link.") % {"path": relative.as_posix()}])
        if path.is_file():
            files[relative.as_posix()] = path.read_bytes()
    return write_zip(files)


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def safe_name(name: str, content_type: str) -> str:
    """A media file name made of letters, digits, '.', '-' and '_', with the right ending.
    Applying it twice changes nothing, so names survive export → import → export."""
    stem, dot, ending = name.rpartition(".")
    if not dot:
        stem, ending = name, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)[:80].strip("-._") or "file"
    endings = MEDIA_TYPES[content_type][1]
    ending = "." + ending.lower()
    if ending not in endings:
        ending = endings[0]
    return stem + ending


def media_paths(files: list[MediaFile]) -> dict[int, str]:
    """A path in the package for each media file; a name shared by different files gets
    part of the file's hash added, for all of them, so the choice does not depend on order."""
    names = {f.pk: safe_name(f.original_name, f.content_type) for f in files}
    taken: dict[str, int] = {}
    for name in names.values():
        taken[name.lower()] = taken.get(name.lower(), 0) + 1
    paths = {}
    for f in files:
        name = names[f.pk]
        if taken[name.lower()] > 1:
            stem, _dot, ending = name.rpartition(".")
            name = f"{stem[:60]}-{f.sha256[:12]}.{ending}"
        paths[f.pk] = f"media/{name}"
    return paths


def step_entry(step: Step, media_ref: Callable[[MediaFile], str]) -> dict:
    """A step as the manifest has it; empty parts left out."""
    entry: dict = {"kind": step.kind, "title": step.title}
    if step.body:
        entry["body"] = step.body
    if step.media_id is not None:
        entry["media"] = media_ref(step.media)
    if step.media_alt:
        entry["media_alt"] = step.media_alt
    if step.transcript:
        entry["transcript"] = step.transcript
    if step.fields:
        entry["fields"] = step.fields
    return entry


def module_entry(
    version: ModuleVersion, media_ref: Callable[[MediaFile], str], originals: dict | None = None
) -> dict:
    """A module version as the manifest has it. ``originals``: the keys of the modules in
    the package by id, so that a translation names the module it translates."""
    entry = {
        "key": version.module.key,
        "version": version.number,
        "title": version.title,
        "summary": version.summary,
        "language": version.language,
        "estimated_minutes": version.estimated_minutes,
        "steps": [
            step_entry(step, media_ref)
            for step in version.steps.select_related("media").order_by("position")
        ],
    }
    original = (originals or {}).get(version.module.translation_of_id)
    if original is not None:
        entry["translation_of"] = original
    return entry


def programme_entry(version: ProgrammeVersion, module_keys: list[str]) -> dict:
    return {
        "key": version.programme.key,
        "version": version.number,
        "title": version.title,
        "problem_area": version.problem_area,
        "languages": version.languages,
        "care_model": version.care_model,
        "unlock_rule": version.unlock_rule,
        "weeks": version.weeks,
        "eligibility": version.eligibility,
        "default_measures": version.default_measures,
        "description_patient": version.description_patient,
        "description_professional": version.description_professional,
        "evidence": version.evidence,
        "primary_measure": version.primary_measure,
        "modules": module_keys,
    } | ({"translations": version.translations} if version.translations else {})


def pinned_modules(version: ProgrammeVersion) -> list[ModuleVersion]:
    entries = version.entries.select_related("module_version__module").order_by("position")
    return [entry.module_version for entry in entries]


def translated_modules(modules: list[ModuleVersion]) -> list[ModuleVersion]:
    """The newest published version of each translation of these modules, in the order
    of the modules they translate, then by key (tessera/programs/translations.py). One
    query."""
    position = {m.module_id: i for i, m in enumerate(modules)}
    newest: dict[int, ModuleVersion] = {}
    for version in (
        ModuleVersion.objects.filter(
            status="published", module__translation_of_id__in=list(position)
        )
        .select_related("module")
        .order_by("module_id", "-number")
    ):
        newest.setdefault(version.module_id, version)
    return sorted(
        newest.values(), key=lambda v: (position[v.module.translation_of_id], v.module.key)
    )


def export_programme(programme_version: ProgrammeVersion) -> bytes:
    """The package of one published programme version, as zip bytes."""
    if not programme_version.is_published:
        raise ExportError([_("Only a published programme version can be exported.")])
    pinned = pinned_modules(programme_version)
    # Each translation follows the module it translates.
    translations = translated_modules(pinned)
    modules = [
        m
        for p in pinned
        for m in [p, *(t for t in translations if t.module.translation_of_id == p.module_id)]
    ]
    problems = [
        _("Module %(key)s version %(n)s is not published.") % {"key": m.module.key, "n": m.number}
        for m in modules
        if not m.is_published
    ]
    keys = [m.module.key for m in pinned]
    if len(set(keys)) != len(keys):
        problems.append(_("The programme uses the same module twice."))
    if problems:
        raise ExportError(problems)
    media = list(
        MediaFile.objects.filter(step__module_version__in=modules).distinct().order_by("sha256")
    )
    paths = media_paths(media)
    files: dict[str, bytes] = {}
    entries = []
    for f in media:
        data = _media_bytes(f)
        files[paths[f.pk]] = data
        entries.append(
            {
                "path": paths[f.pk],
                "sha256": f.sha256,
                "content_type": f.content_type,
                "size": len(data),
            }
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "programme": programme_entry(programme_version, keys),
        "modules": [
            module_entry(m, lambda f: paths[f.pk], {p.module_id: p.module.key for p in pinned})
            for m in modules
        ],
        "media": sorted(entries, key=lambda e: e["path"]),
    }
    problems = validate_manifest(manifest)
    if problems:
        raise ExportError(problems)
    files["manifest.json"] = manifest_bytes(manifest)
    return write_zip(files)


def _media_bytes(media: MediaFile) -> bytes:
    try:
        with media.file.open("rb") as stream:
            data = stream.read()
    except (OSError, ValueError):
        raise ExportError(
            [_("The media file %(name)s is missing from storage.") % {"name": media.original_name}]
        ) from None
    if hashlib.sha256(data).hexdigest() != media.sha256:
        raise ExportError(
            [
                _("The media file %(name)s in storage does not match its recorded hash.")
                % {"name": media.original_name}
            ]
        )
    return data
