"""Every write to the module library and programmes.

Drafts are edited; published versions are immutable, and changing one starts a new
draft that copies it. Modules and programmes are versioned alike, by one implementation
(``_Versioned``: lock a draft, change it, publish it, start a new draft). Each action is
atomic and leaves an audit row (purpose "administration": there is no patient data
here). Views, the package importer, the demo and tests call these; nothing else saves
these models.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit

from .content_rules import (
    LANGUAGES,
    MEDIA_TYPES,
    eligibility_problems,
    measures_problems,
    module_problems,
    programme_problems,
    read_head,
    sniff_media_type,
    upload_problem,
    validate_fields,
)
from .content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)
from .models import (
    MediaFile,
    Module,
    ModuleVersion,
    Programme,
    ProgrammeModule,
    ProgrammeVersion,
    Status,
    Step,
)

MODULE_FIELDS = ("title", "summary", "language", "estimated_minutes")
STEP_FIELDS = ("title", "body", "media", "media_alt", "transcript", "fields")
PROGRAMME_FIELDS = (
    "title",
    "problem_area",
    "languages",
    "care_model",
    "unlock_rule",
    "weeks",
    "eligibility",
    "default_measures",
    "description_patient",
    "description_professional",
    "evidence",
)
# Long texts: the audit row names them when they change but does not copy them.
_LONG_FIELDS = {
    "summary",
    "body",
    "transcript",
    "fields",
    "description_patient",
    "description_professional",
    "evidence",
}
_NOT_FROM_FORMS = ["created_by", "published_by", "published_at"]


class PublishedVersionError(Exception):
    """A published version is immutable; start a new draft to change it."""

    def __init__(self, version):
        super().__init__(
            f"{type(version).__name__} {version.pk} (v{version.number}) is published and "
            "cannot be changed; start a new draft to change it."
        )
        self.version = version


def _record(action: str, acting_user, obj, changes: dict | None = None) -> None:
    audit.record(
        action,
        actor=acting_user,
        obj=obj,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, None),
        changes=changes or {},
    )


def _describe(before: dict, after: dict) -> dict:
    changed = audit.changed_fields(before, after)
    return {k: ("changed" if k in _LONG_FIELDS else v) for k, v in changed.items()}


def _snapshot(obj, names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _check_names(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the supported languages.")})


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
        kind.version_model.objects.select_for_update()
        .select_related(kind.parent)
        .get(pk=version.pk)
    )
    if fresh.status != Status.DRAFT:
        raise PublishedVersionError(fresh)
    return fresh


def _update_draft(kind: _Versioned, version, fields: dict, *, acting_user, event: str):
    _check_names(fields, kind.fields)
    version = _locked(kind, version)
    before = _snapshot(version, fields)
    for name, value in fields.items():
        setattr(version, name, value)
    kind.clean(version)
    version.save()
    _record(event, acting_user, version, _describe(before, _snapshot(version, fields)))
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
    parent = type(parent).objects.select_for_update().get(pk=parent.pk)
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
    _record(event, acting_user, draft, {"from": latest.number, "number": number})
    return draft


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
    _record(
        "media.stored",
        acting_user,
        media,
        {"content_type": content_type, "size": media.size, "sha256": sha},
    )
    return media


# --- modules -----------------------------------------------------------------------------


def _locked_draft(version: ModuleVersion) -> ModuleVersion:
    return _locked(MODULE, version)


def _clean_module_version(version: ModuleVersion) -> None:
    _check_language(version.language)
    version.full_clean(exclude=_NOT_FROM_FORMS)


@transaction.atomic
def do_create_module(
    region, *, acting_user, key, title, language="en", summary="", estimated_minutes=20
) -> Module:
    if Module.objects.filter(region=region, key=key).exists():
        raise ValidationError({"key": _("A module with this key already exists in this region.")})
    module = Module(region=region, key=key)
    module.full_clean()
    module.save()
    version = ModuleVersion(
        module=module,
        number=1,
        title=title,
        language=language,
        summary=summary,
        estimated_minutes=estimated_minutes,
        created_by=acting_user,
    )
    _clean_module_version(version)
    version.save()
    _record("module.created", acting_user, module, {"key": key, "version": version.pk})
    return module


@transaction.atomic
def do_update_module_draft(version: ModuleVersion, *, acting_user, **fields) -> ModuleVersion:
    return _update_draft(
        MODULE, version, fields, acting_user=acting_user, event="module.draft_changed"
    )


def _clean_step(step: Step, region_id: int) -> None:
    if step.media is not None and step.media.region_id != region_id:
        raise ValidationError({"media": _("This file belongs to another region.")})
    problems = validate_fields(step.fields)
    if problems:
        raise ValidationError({"fields": problems})
    step.full_clean()


@transaction.atomic
def do_add_step(version: ModuleVersion, *, acting_user, kind, title, **fields) -> Step:
    _check_names(fields, STEP_FIELDS)
    version = _locked_draft(version)
    position = (version.steps.aggregate(m=Max("position"))["m"] or 0) + 1
    step = Step(module_version=version, position=position, kind=kind, title=title, **fields)
    _clean_step(step, version.module.region_id)
    step.save()
    _record("module.step_added", acting_user, step, {"version": version.pk, "kind": kind})
    return step


@transaction.atomic
def do_update_step(step: Step, *, acting_user, **fields) -> Step:
    _check_names(fields, STEP_FIELDS)
    version = _locked_draft(step.module_version)
    step = Step.objects.select_related("media").get(pk=step.pk)
    before = _snapshot(step, fields)
    for name, value in fields.items():
        setattr(step, name, value)
    _clean_step(step, version.module.region_id)
    step.save()
    _record("module.step_changed", acting_user, step, _describe(before, _snapshot(step, fields)))
    return step


@transaction.atomic
def do_move_step(step: Step, *, acting_user, direction: str) -> Step:
    """Swap the step with the one above ("up") or below ("down"); at an end, nothing."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be up or down, not {direction!r}")
    version = _locked_draft(step.module_version)
    step = Step.objects.get(pk=step.pk)
    steps = version.steps.exclude(pk=step.pk)
    if direction == "up":
        other = steps.filter(position__lt=step.position).order_by("-position").first()
    else:
        other = steps.filter(position__gt=step.position).order_by("position").first()
    if other is None:
        return step
    mine, theirs = step.position, other.position
    # Through a free position (0) so that no two steps share one at any moment.
    Step.objects.filter(pk=step.pk).update(position=0)
    Step.objects.filter(pk=other.pk).update(position=mine)
    Step.objects.filter(pk=step.pk).update(position=theirs)
    step.position = theirs
    _record("module.step_moved", acting_user, step, {"position": [mine, theirs]})
    return step


@transaction.atomic
def do_delete_step(step: Step, *, acting_user) -> None:
    version = _locked_draft(step.module_version)
    step = Step.objects.get(pk=step.pk)
    _record(
        "module.step_removed",
        acting_user,
        step,
        {"version": version.pk, "position": step.position, "title": step.title},
    )
    position = step.position
    step.delete()
    for later in version.steps.filter(position__gt=position).order_by("position"):
        Step.objects.filter(pk=later.pk).update(position=later.position - 1)


@transaction.atomic
def do_publish_module(version: ModuleVersion, *, acting_user) -> ModuleVersion:
    version = _publish(MODULE, version, acting_user=acting_user)
    _record("module.published", acting_user, version, {"number": version.number})
    return version


@transaction.atomic
def do_new_module_draft(module: Module, *, acting_user) -> ModuleVersion:
    """A new draft copying the latest published version and its steps; if the module
    already has a draft, that draft (a module has one at most)."""
    return _new_draft(MODULE, module, acting_user=acting_user, event="module.draft_started")


def _copy_steps(latest: ModuleVersion, draft: ModuleVersion) -> None:
    Step.objects.bulk_create(
        Step(
            module_version=draft,
            position=s.position,
            kind=s.kind,
            **{name: getattr(s, name) for name in STEP_FIELDS},
        )
        for s in latest.steps.all()
    )


# --- programmes --------------------------------------------------------------------------


def _locked_programme_draft(version: ProgrammeVersion) -> ProgrammeVersion:
    return _locked(PROGRAMME, version)


def _clean_programme_version(version: ProgrammeVersion) -> None:
    errors: dict[str, list[str]] = {}
    languages = version.languages
    if not isinstance(languages, list) or not set(languages) <= set(LANGUAGES):
        errors["languages"] = [_("Choose among the supported languages.")]
    if not isinstance(version.weeks, int) or version.weeks < 1:
        errors["weeks"] = [_("A programme lasts at least one week.")]
    for name, check in (
        ("eligibility", eligibility_problems),
        ("default_measures", measures_problems),
    ):
        problems = check(getattr(version, name))
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
    version.full_clean(exclude=_NOT_FROM_FORMS)


@transaction.atomic
def do_create_programme(region, *, acting_user, key, title, problem_area, **fields) -> Programme:
    _check_names(fields, PROGRAMME_FIELDS)
    if Programme.objects.filter(region=region, key=key).exists():
        raise ValidationError(
            {"key": _("A programme with this key already exists in this region.")}
        )
    programme = Programme(region=region, key=key)
    programme.full_clean()
    programme.save()
    fields.setdefault("languages", ["en"])
    version = ProgrammeVersion(
        programme=programme,
        number=1,
        title=title,
        problem_area=problem_area,
        created_by=acting_user,
        **fields,
    )
    _clean_programme_version(version)
    version.save()
    _record("programme.created", acting_user, programme, {"key": key, "version": version.pk})
    return programme


@transaction.atomic
def do_update_programme_draft(
    version: ProgrammeVersion, *, acting_user, **fields
) -> ProgrammeVersion:
    return _update_draft(
        PROGRAMME, version, fields, acting_user=acting_user, event="programme.draft_changed"
    )


@transaction.atomic
def do_set_programme_modules(
    version: ProgrammeVersion, *, acting_user, module_version_ids
) -> ProgrammeVersion:
    """The programme's modules, in this order, each pinned to a published version of a
    module of the programme's region."""
    version = _locked_programme_draft(version)
    ids = [int(pk) for pk in module_version_ids]
    chosen = ModuleVersion.objects.select_related("module").in_bulk(ids)
    region_id = version.programme.region_id
    for pk in ids:
        found = chosen.get(pk)
        if found is None or found.module.region_id != region_id or not found.is_published:
            raise ValidationError(_("Only published modules of this region can be chosen."))
    modules = [chosen[pk].module_id for pk in ids]
    if len(set(modules)) != len(modules):
        raise ValidationError(_("A module can be in a programme only once: choose one version."))
    before = list(version.entries.values_list("module_version_id", flat=True))
    version.entries.all().delete()
    ProgrammeModule.objects.bulk_create(
        ProgrammeModule(programme_version=version, module_version_id=pk, position=n)
        for n, pk in enumerate(ids, start=1)
    )
    _record("programme.modules_set", acting_user, version, {"module_versions": [before, ids]})
    return version


@transaction.atomic
def do_publish_programme(version: ProgrammeVersion, *, acting_user) -> ProgrammeVersion:
    version = _publish(PROGRAMME, version, acting_user=acting_user)
    modules = list(version.entries.values_list("module_version_id", flat=True))
    _record(
        "programme.published",
        acting_user,
        version,
        {"number": version.number, "module_versions": modules},
    )
    return version


@transaction.atomic
def do_new_programme_draft(programme: Programme, *, acting_user) -> ProgrammeVersion:
    """A new draft copying the latest published version and its modules; if there is a
    draft already, that draft."""
    return _new_draft(
        PROGRAMME, programme, acting_user=acting_user, event="programme.draft_started"
    )


def _copy_modules(latest: ProgrammeVersion, draft: ProgrammeVersion) -> None:
    ProgrammeModule.objects.bulk_create(
        ProgrammeModule(
            programme_version=draft, module_version_id=e.module_version_id, position=e.position
        )
        for e in latest.entries.all()
    )


MODULE = _Versioned(
    version_model=ModuleVersion,
    parent="module",
    fields=MODULE_FIELDS,
    clean=_clean_module_version,
    problems=module_problems,
    copy_children=_copy_steps,
)
PROGRAMME = _Versioned(
    version_model=ProgrammeVersion,
    parent="programme",
    fields=PROGRAMME_FIELDS,
    clean=_clean_programme_version,
    problems=programme_problems,
    copy_children=_copy_modules,
)
