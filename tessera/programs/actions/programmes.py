"""Writes of programmes and the modules they pin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tessera.core import audit

from ..content_rules import (
    LANGUAGES,
    eligibility_problems,
    measures_problems,
    programme_problems,
)
from ..content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)
from ..models import (
    ModuleVersion,
    Programme,
    ProgrammeModule,
    ProgrammeVersion,
)
from .common import (
    _NOT_FROM_FORMS,
    PROGRAMME_FIELDS,
    _check_names,
)
from .versions import (
    _locked,
    _new_draft,
    _publish,
    _update_draft,
    _Versioned,
    draft_digest,
    draft_list_digest,
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
    taken = ValidationError({"key": _("A programme with this key already exists in this region.")})
    if Programme.objects.filter(region=region, key=key).exists():
        raise taken
    programme = Programme(region=region, key=key)
    programme.full_clean()
    try:
        with transaction.atomic():  # the form sent twice at the same instant (decision 0070)
            programme.save()
    except IntegrityError:
        raise taken from None
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
    audit.record_for_clinic(
        "programme.created", None, acting_user, programme, {"key": key, "version": version.pk}
    )
    return programme


@transaction.atomic
def do_update_programme_draft(
    version: ProgrammeVersion, *, acting_user, drawn: str | None = None, **fields
) -> ProgrammeVersion:
    """``drawn``: ``programme_draft_digest`` as the form drew it (decision 0149)."""
    return _update_draft(
        PROGRAMME,
        version,
        fields,
        acting_user=acting_user,
        event="programme.draft_changed",
        drawn=drawn,
    )


def programme_draft_digest(version: ProgrammeVersion) -> str:
    """The draft's details as they are, for its form to carry (``versions.draft_digest``)."""
    return draft_digest(PROGRAMME, version)


def programme_modules_digest(version: ProgrammeVersion) -> str:
    """The draft's module list as its form drew it: each module version and position."""
    return draft_list_digest(_module_version_ids(version))


def _module_version_ids(version: ProgrammeVersion) -> list[int]:
    return list(
        version.entries.order_by("position", "pk").values_list("module_version_id", flat=True)
    )


@transaction.atomic
def do_set_programme_modules(
    version: ProgrammeVersion, *, acting_user, module_version_ids, drawn: str | None = None
) -> ProgrammeVersion:
    """The programme's modules, in this order, each pinned to a published version of a
    module of the programme's region. ``drawn``: ``programme_modules_digest`` when the
    form was drawn; a list saved by someone else since (another author, another tab) is
    not overwritten: a ValidationError (``modules_changed_meanwhile``). Before, the last
    "Save the modules" put the other's list back without a word (decision 0152)."""
    version = _locked_programme_draft(version)
    ids = [int(pk) for pk in module_version_ids]
    now = _module_version_ids(version)
    # The same list sent twice (a double click) is not someone else's change.
    if drawn and drawn != draft_list_digest(now) and now != ids:
        raise ValidationError(
            _(
                "Someone else saved this programme's modules after you opened the page, so "
                "your choice was not saved. It is still below: compare it with the "
                "programme as it is now (open it in another tab), then save again."
            ),
            code="modules_changed_meanwhile",
        )
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
    audit.record_for_clinic(
        "programme.modules_set", None, acting_user, version, {"module_versions": [before, ids]}
    )
    return version


@transaction.atomic
def do_publish_programme(version: ProgrammeVersion, *, acting_user) -> ProgrammeVersion:
    version = _publish(PROGRAMME, version, acting_user=acting_user)
    modules = list(version.entries.values_list("module_version_id", flat=True))
    audit.record_for_clinic(
        "programme.published",
        None,
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
    # The patient text's translations go with the draft (they are not form fields).
    if latest.translations:
        draft.translations = latest.translations
        draft.save(update_fields=["translations"])


PROGRAMME = _Versioned(
    version_model=ProgrammeVersion,
    parent="programme",
    fields=PROGRAMME_FIELDS,
    clean=_clean_programme_version,
    problems=programme_problems,
    copy_children=_copy_modules,
)
