"""Writes of modules and their steps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from tessera.core import audit, submissions

from ..content_rules import (
    module_problems,
    validate_fields,
)
from ..content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)
from ..models import (
    Module,
    ModuleVersion,
    Step,
)
from .common import (
    _NOT_FROM_FORMS,
    MODULE_FIELDS,
    STEP_FIELDS,
    _check_language,
    _check_names,
    _describe,
    _snapshot,
)
from .versions import _locked, _new_draft, _publish, _update_draft, _Versioned, draft_digest

# --- modules -----------------------------------------------------------------------------


def _locked_draft(version: ModuleVersion) -> ModuleVersion:
    return _locked(MODULE, version)


def _clean_module_version(version: ModuleVersion) -> None:
    _check_language(version.language)
    _check_family_language(version)
    version.full_clean(exclude=_NOT_FROM_FORMS)


def _check_family_language(version: ModuleVersion) -> None:
    """A module and its translations are one per language: a version may not take the
    language of another module of its family (tessera/programs/translations.py)."""
    module = version.module
    if module.pk is None:
        return
    root = module.translation_of_id or module.pk
    others = (
        ModuleVersion.objects.filter(Q(module_id=root) | Q(module__translation_of_id=root))
        .exclude(module_id=module.pk)
        .filter(language=version.language)
    )
    if others.exists():
        raise ValidationError(
            {"language": _("Another module of this family is already in that language.")}
        )


@transaction.atomic
def do_create_module(
    region, *, acting_user, key, title, language="en", summary="", estimated_minutes=20
) -> Module:
    taken = ValidationError({"key": _("A module with this key already exists in this region.")})
    if Module.objects.filter(region=region, key=key).exists():
        raise taken
    module = Module(region=region, key=key)
    module.full_clean()
    try:
        with transaction.atomic():  # the form sent twice at the same instant (decision 0070)
            module.save()
    except IntegrityError:
        raise taken from None
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
    audit.record_for_clinic(
        "module.created", None, acting_user, module, {"key": key, "version": version.pk}
    )
    return module


@transaction.atomic
def do_update_module_draft(
    version: ModuleVersion, *, acting_user, drawn: str | None = None, **fields
) -> ModuleVersion:
    """``drawn``: ``module_draft_digest`` as the form drew it (decision 0149)."""
    return _update_draft(
        MODULE, version, fields, acting_user=acting_user, event="module.draft_changed", drawn=drawn
    )


def module_draft_digest(version: ModuleVersion) -> str:
    """The draft's details as they are, for its form to carry (``versions.draft_digest``)."""
    return draft_digest(MODULE, version)


def _clean_step(step: Step, region_id: int) -> None:
    if step.media is not None and step.media.region_id != region_id:
        raise ValidationError({"media": _("This file belongs to another region.")})
    problems = validate_fields(step.fields)
    if problems:
        raise ValidationError({"fields": problems})
    step.full_clean()


@transaction.atomic
def do_add_step(
    version: ModuleVersion, *, acting_user, kind, title, submission_key=None, **fields
) -> Step:
    """A new step at the end of the draft. "Add the step" sent twice (the same
    ``submission_key``, or back and send again: the draft's last step is still blank
    with this kind and title) adds one: the second time this returns the first,
    ``sent_before`` set, and writes nothing (decision 0070). The draft's row lock
    serialises two at the same instant."""
    _check_names(fields, STEP_FIELDS)
    version = _locked_draft(version)
    last = version.steps.order_by("-position").values("pk")[:1]
    return submissions.made_once(
        Step,
        submission_key,
        lambda: _add_step(version, acting_user, kind, title, submission_key, fields),
        same=None
        if fields
        else Step.objects.filter(
            pk__in=last,
            kind=kind,
            title=title,
            body="",
            media__isnull=True,
            media_alt="",
            transcript="",
            fields=[],
        ),
        module_version_id=version.pk,
    )


def _add_step(version, acting_user, kind, title, submission_key, fields) -> Step:
    position = (version.steps.aggregate(m=Max("position"))["m"] or 0) + 1
    step = Step(
        module_version=version,
        position=position,
        kind=kind,
        title=title,
        submission_key=submission_key,
        **fields,
    )
    _clean_step(step, version.module.region_id)
    step.save()
    audit.record_for_clinic(
        "module.step_added", None, acting_user, step, {"version": version.pk, "kind": kind}
    )
    return step


@transaction.atomic
def do_update_step(step: Step, *, acting_user, drawn: str | None = None, **fields) -> Step:
    """Change a draft's step. ``drawn``: the step's ``content_digest`` when the editor's
    form was drawn; the step saved by someone else since (another author, another tab)
    is not overwritten: a ValidationError (``step_changed_meanwhile``), nothing changed.
    Before, the last "Save" replaced the other's text without a word (decision 0149)."""
    _check_names(fields, STEP_FIELDS)
    version = _locked_draft(step.module_version)
    step = Step.objects.select_related("media").get(pk=step.pk)
    if drawn and drawn != step.content_digest():
        raise ValidationError(
            _(
                "Someone else saved this step after you opened it, so your changes were not "
                "saved. They are still below: compare them with the step as it is now (open "
                "it in another tab), then save again."
            ),
            code="step_changed_meanwhile",
        )
    before = _snapshot(step, fields)
    for name, value in fields.items():
        setattr(step, name, value)
    _clean_step(step, version.module.region_id)
    step.save()
    audit.record_for_clinic(
        "module.step_changed", None, acting_user, step, _describe(before, _snapshot(step, fields))
    )
    return step


def _step_ids(version: ModuleVersion):
    return version.steps.order_by("position", "pk").values_list("pk", flat=True)


def step_order_digest(version: ModuleVersion) -> str:
    """The digest of the version's steps' order as it is (``submissions.order_digest``)."""
    return submissions.order_digest(_step_ids(version))


@transaction.atomic
def do_move_step(step: Step, *, acting_user, direction: str, drawn: str | None = None) -> Step:
    """Swap the step with the one above ("up") or below ("down"); at an end, nothing.
    ``drawn``: the digest of the steps' order the form was drawn with
    (``step_order_digest``); another order now (the move sent twice) is refused with a
    ValidationError and nothing moves."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be up or down, not {direction!r}")
    version = _locked_draft(step.module_version)
    submissions.check_order(drawn, _step_ids(version))
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
    audit.record_for_clinic(
        "module.step_moved", None, acting_user, step, {"position": [mine, theirs]}
    )
    return step


@transaction.atomic
def do_delete_step(step: Step, *, acting_user) -> None:
    version = _locked_draft(step.module_version)
    step = Step.objects.get(pk=step.pk)
    audit.record_for_clinic(
        "module.step_removed",
        None,
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
    audit.record_for_clinic(
        "module.published", None, acting_user, version, {"number": version.number}
    )
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


MODULE = _Versioned(
    version_model=ModuleVersion,
    parent="module",
    fields=MODULE_FIELDS,
    clean=_clean_module_version,
    problems=module_problems,
    copy_children=_copy_steps,
)
