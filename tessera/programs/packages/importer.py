"""Importing a content package into a region: everything or nothing.

``do_import_package`` reads and checks the whole package first (reader.py, manifest.py),
then, with the region locked, compares it with the region's library:

- a module (or programme) version whose key and number exist as a published version with
  the same content is reused; with different content it is a problem;
- a draft with the same key and number is a problem;
- any other version is created, published, by the acting user, steps and programme
  modules numbered from 1;
- media are stored once per region and sha256: an existing file is reused.

Any problem raises PackageRejected before anything is written. Writes happen in one
transaction with the audit event ``content.package_imported`` (``content.package_already_there``
when the region had all of it: nothing was added); files saved to storage before a failure
are deleted again.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tessera.core import audit
from tessera.core.models import Region

from ..models import (
    MediaFile,
    Module,
    ModuleVersion,
    Programme,
    ProgrammeModule,
    ProgrammeVersion,
    Status,
    Step,
)
from .exporter import module_entry, pinned_modules, programme_entry
from .manifest import PackageRejected
from .reader import Package, read_package

MODULE_DEFAULTS = {"summary": "", "language": "en", "estimated_minutes": 20}
STEP_DEFAULTS = {"body": "", "media": None, "media_alt": "", "transcript": "", "fields": []}
PROGRAMME_DEFAULTS = {
    "languages": [],
    "care_model": "guided",
    "unlock_rule": "weekly",
    "weeks": 10,
    "eligibility": {},
    "default_measures": [],
    "primary_measure": "",
    "description_patient": "",
    "description_professional": "",
    "evidence": "",
    "translations": {},
}


@dataclass
class ImportResult:
    programme_version: ProgrammeVersion
    programme_created: bool
    modules_created: list[str] = field(default_factory=list)
    modules_reused: list[str] = field(default_factory=list)
    media_created: int = 0
    media_reused: int = 0

    @property
    def already_there(self) -> bool:
        return not (self.programme_created or self.modules_created or self.media_created)

    def describe(self) -> str:
        version = self.programme_version
        names = {"key": version.programme.key, "n": version.number}
        if self.already_there:
            return _("Programme %(key)s version %(n)s was already there; nothing was added.") % (
                names
            )
        modules = ngettext(
            "%(count)s new module version",
            "%(count)s new module versions",
            len(self.modules_created),
        ) % {"count": len(self.modules_created)}
        media = ngettext(
            "%(count)s new media file", "%(count)s new media files", self.media_created
        ) % {"count": self.media_created}
        return _(
            "Imported programme %(key)s version %(n)s: %(modules)s (%(reused)s already there), "
            "%(media)s."
        ) % {**names, "modules": modules, "reused": len(self.modules_reused), "media": media}


@dataclass
class _Plan:
    modules: list[tuple[dict, ModuleVersion | None]]  # each manifest module, and what to reuse
    programme: ProgrammeVersion | None
    media: dict[str, MediaFile]  # sha256 -> a file already in the region


def do_import_package(data: bytes, *, region: Region, acting_user) -> ImportResult:
    """Import a package's programme, modules and media into the region, or raise
    PackageRejected (with every problem) having written nothing."""
    package = read_package(data)
    stored: list[str] = []
    try:
        with transaction.atomic():
            list(Region.objects.select_for_update(no_key=True).filter(pk=region.pk))
            plan = _plan(package, region)
            result = _write(package, plan, region, acting_user, stored)
            audit.record(
                "content.package_already_there"
                if result.already_there
                else "content.package_imported",
                actor=acting_user,
                obj=result.programme_version,
                purpose="administration",
                changes={
                    "region": region.pk,
                    "programme": f"{result.programme_version.programme.key} "
                    f"v{result.programme_version.number}",
                    "programme_created": result.programme_created,
                    "modules_created": result.modules_created,
                    "modules_reused": result.modules_reused,
                    "media_created": result.media_created,
                    "media_reused": result.media_reused,
                },
            )
    except IntegrityError:
        _discard(stored)
        raise PackageRejected(
            [
                _(
                    "The library changed while the package was being imported; nothing was "
                    "imported. Please try again."
                )
            ]
        ) from None
    except BaseException:
        _discard(stored)
        raise
    return result


def _discard(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- comparing with what the region has ------------------------------------------------


def _normal_module(entry: dict) -> dict:
    """A module entry with defaults filled in and without key and version, to compare."""
    normal = {key: entry.get(key, default) for key, default in MODULE_DEFAULTS.items()}
    normal["title"] = entry["title"]
    normal["steps"] = [
        {"kind": s["kind"], "title": s["title"]}
        | {key: s.get(key, default) for key, default in STEP_DEFAULTS.items()}
        for s in entry["steps"]
    ]
    return normal


def _package_module(module: dict, package: Package) -> dict:
    """A manifest module with body files read in and media named by sha256."""
    sha = {entry["path"]: entry["sha256"] for entry in package.manifest["media"]}
    steps = []
    for step in module["steps"]:
        step = dict(step)
        if "body_file" in step:
            step["body"] = package.texts[step.pop("body_file")]
        if "media" in step:
            step["media"] = sha[step["media"]]
        steps.append(step)
    return _normal_module({**module, "steps": steps})


def _stored_module(version: ModuleVersion) -> dict:
    return _normal_module(module_entry(version, lambda media: media.sha256))


def _normal_programme(entry: dict, versions: list) -> dict:
    normal = {key: entry.get(key, default) for key, default in PROGRAMME_DEFAULTS.items()}
    normal.update(title=entry["title"], problem_area=entry["problem_area"], modules=versions)
    return normal


def _stored_programme(version: ProgrammeVersion) -> dict:
    modules = pinned_modules(version)
    pinned = [[m.module.key, m.number] for m in modules]
    return _normal_programme(programme_entry(version, []), pinned)


def _existing(region: Region, manifest: dict):
    """The region's versions of the package's modules and programme, and its media."""
    keys = [m["key"] for m in manifest["modules"]]
    modules = list(
        ModuleVersion.objects.filter(module__region=region, module__key__in=keys)
        .select_related("module")
        .order_by()
    )
    programmes = list(
        ProgrammeVersion.objects.filter(
            programme__region=region, programme__key=manifest["programme"]["key"]
        )
        .select_related("programme")
        .order_by()
    )
    shas = [entry["sha256"] for entry in manifest["media"]]
    media = {f.sha256: f for f in MediaFile.objects.filter(region=region, sha256__in=shas)}
    return modules, programmes, media


def _match(versions: list, number: int):
    """The version with this number (or None), and whether a draft numbered at most this
    number stands in the way."""
    same = next((v for v in versions if v.number == number), None)
    blocked = any(not v.is_published and v.number <= number for v in versions)
    return same, blocked


def _plan(package: Package, region: Region) -> _Plan:
    manifest = package.manifest
    stored_modules, programmes, media = _existing(region, manifest)
    problems: list[str] = []
    plan = _Plan(modules=[], programme=None, media=media)
    for i, module in enumerate(manifest["modules"]):
        versions = [v for v in stored_modules if v.module.key == module["key"]]
        found, blocked = _match(versions, module["version"])
        names = {"key": module["key"], "n": module["version"]}
        if blocked:
            problems.append(_draft_problem(f"modules[{i}]", _("module"), names))
        elif found is not None and _stored_module(found) != _package_module(module, package):
            problems.append(_differs_problem(f"modules[{i}]", _("module"), names))
        plan.modules.append((module, found))
    p = manifest["programme"]
    found, blocked = _match(programmes, p["version"])
    names = {"key": p["key"], "n": p["version"]}
    by_key = {m["key"]: m["version"] for m in manifest["modules"]}
    pinned = [[key, by_key[key]] for key in p["modules"]]
    if blocked:
        problems.append(_draft_problem("programme", _("programme"), names))
    elif found is not None and _stored_programme(found) != _normal_programme(p, pinned):
        problems.append(_differs_problem("programme", _("programme"), names))
    plan.programme = found
    if problems:
        raise PackageRejected(problems)
    return plan


def _draft_problem(where: str, what: str, names: dict) -> str:
    return _(
        "%(path)s: this region has a draft of %(what)s %(key)s numbered %(n)s or lower. "
        "Publish or discard the draft first, or give the package's version a higher number."
    ) % {"path": where, "what": what, **names}


def _differs_problem(where: str, what: str, names: dict) -> str:
    return _(
        "%(path)s: %(what)s %(key)s version %(n)s is already published in this region with "
        "different content. A changed version needs a new number."
    ) % {"path": where, "what": what, **names}


# --- writing ------------------------------------------------------------------------------


def _checked(instance, *, exclude: list[str], where: str):
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = [
            f"{where}.{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise PackageRejected(problems) from None
    instance.save()
    return instance


def _write(package: Package, plan: _Plan, region: Region, acting_user, stored: list[str]):
    manifest = package.manifest
    now = timezone.now()
    media = dict(plan.media)
    for entry in manifest["media"]:
        if entry["sha256"] not in media:
            media[entry["sha256"]] = _store_media(entry, package, region, stored)
    sha = {entry["path"]: entry["sha256"] for entry in manifest["media"]}
    versions: dict[str, ModuleVersion] = {}
    created, reused = [], []
    for i, (module, found) in enumerate(plan.modules):
        label = f"{module['key']} v{module['version']}"
        (reused if found else created).append(label)
        versions[module["key"]] = found or _create_module(
            module, package, region, acting_user, now, media, sha, f"modules[{i}]"
        )
    _link_translations(manifest["modules"], region)
    programme = plan.programme or _create_programme(
        manifest["programme"], versions, region, acting_user, now
    )
    return ImportResult(
        programme_version=programme,
        programme_created=plan.programme is None,
        modules_created=created,
        modules_reused=reused,
        media_created=len(stored),
        media_reused=len(manifest["media"]) - len(stored),
    )


def _link_translations(modules: list[dict], region: Region) -> None:
    """Mark each module the manifest calls a translation (``translation_of``: a module of
    the package or already in the region) as the translation of that module (of the
    module that one translates, if it is a translation itself). A module already marked
    keeps its mark; an original the region does not have links nothing (a package
    exported from another region keeps its own modules)."""
    wanted = {m["key"]: m["translation_of"] for m in modules if m.get("translation_of")}
    if not wanted:
        return
    found = {
        module.key: module
        for module in Module.objects.filter(
            region=region, key__in=set(wanted) | set(wanted.values())
        )
    }
    for key, original_key in wanted.items():
        module, original = found[key], found.get(original_key)
        if original is not None and module.translation_of_id is None:
            root = original.translation_of_id or original.pk
            if root != module.pk:
                Module.objects.filter(pk=module.pk).update(translation_of_id=root)


def _store_media(entry: dict, package: Package, region: Region, stored: list[str]) -> MediaFile:
    name = posixpath.basename(entry["path"])
    item = MediaFile(
        region=region,
        sha256=entry["sha256"],
        content_type=entry["content_type"],
        size=entry["size"],
        original_name=name,
    )
    item.file.save(name, ContentFile(package.media[entry["path"]]), save=False)
    stored.append(item.file.name)
    return _checked(item, exclude=["region"], where=entry["path"])


def _create_module(module, package, region, acting_user, now, media, sha, where):
    owner, _created = Module.objects.get_or_create(region=region, key=module["key"])
    version = _checked(
        ModuleVersion(
            module=owner,
            number=module["version"],
            status=Status.PUBLISHED,
            title=module["title"],
            summary=module.get("summary", ""),
            language=module.get("language", "en"),
            estimated_minutes=module.get("estimated_minutes", 20),
            created_by=acting_user,
            published_at=now,
            published_by=acting_user,
        ),
        exclude=["module", "created_by", "published_by"],
        where=where,
    )
    for position, step in enumerate(module["steps"], start=1):
        body = package.texts[step["body_file"]] if "body_file" in step else step.get("body", "")
        _checked(
            Step(
                module_version=version,
                position=position,
                kind=step["kind"],
                title=step["title"],
                body=body,
                media=media[sha[step["media"]]] if "media" in step else None,
                media_alt=step.get("media_alt", ""),
                transcript=step.get("transcript", ""),
                fields=step.get("fields", []),
            ),
            exclude=["module_version", "media"],
            where=f"{where}.steps[{position - 1}]",
        )
    return version


def _create_programme(p, versions, region, acting_user, now) -> ProgrammeVersion:
    programme, _created = Programme.objects.get_or_create(region=region, key=p["key"])
    fields = {key: p.get(key, default) for key, default in PROGRAMME_DEFAULTS.items()}
    version = _checked(
        ProgrammeVersion(
            programme=programme,
            number=p["version"],
            status=Status.PUBLISHED,
            title=p["title"],
            problem_area=p["problem_area"],
            created_by=acting_user,
            published_at=now,
            published_by=acting_user,
            **fields,
        ),
        exclude=["programme", "created_by", "published_by"],
        where="programme",
    )
    ProgrammeModule.objects.bulk_create(
        ProgrammeModule(programme_version=version, module_version=versions[key], position=i)
        for i, key in enumerate(p["modules"], start=1)
    )
    return version
