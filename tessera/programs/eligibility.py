"""Eligibility rules per clinic: the programmes a clinic can offer, the rules that hold
there, and the two writes (save a clinic's own rules, go back to the published ones).

A clinic's ``ClinicEligibility`` row, when there is one, replaces the rules of the
programme's latest published version at that clinic. The format and what each rule
means: docs/matching.md. Writes are atomic and audited (purpose administration); views,
the demo and tests call them, nothing else saves the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from tessera.core import access, audit
from tessera.core.models import AuditEvent
from tessera.core.prepared import Prepared

from .content_rules import eligibility_problems
from .matching.rules import rule_problems
from .models import ClinicEligibility, Programme, ProgrammeVersion, Status


def published_versions(region_ids: Iterable[int]) -> list[ProgrammeVersion]:
    """The latest published version of every programme of these regions (one query),
    with its programme, ordered by title. Built and compiled once per process per
    number of regions (``core.prepared``; issue 16: an application's page)."""
    return _PUBLISHED(sorted(region_ids))


def _published(region_ids):
    latest = (
        ProgrammeVersion.objects.filter(programme=OuterRef("programme"), status=Status.PUBLISHED)
        .order_by("-number")
        .values("pk")[:1]
    )
    return (
        ProgrammeVersion.objects.filter(
            programme__region__id__in=region_ids,
            status=Status.PUBLISHED,
            pk=Subquery(latest),
        )
        .select_related("programme")
        .order_by("title", "pk")
    )


_PUBLISHED = Prepared(_published)


def overrides_for(clinic_ids: Iterable[int]) -> dict[tuple[int, int], ClinicEligibility]:
    """{(clinic id, programme id): row} for these clinics (one query, compiled once per
    number of clinics)."""
    rows = _OVERRIDES(sorted(clinic_ids))
    return {(row.clinic_id, row.programme_id): row for row in rows}


_OVERRIDES = Prepared(
    lambda clinic_ids: ClinicEligibility.objects.filter(clinic__id__in=clinic_ids)
)


def effective_rules(version: ProgrammeVersion, override: ClinicEligibility | None) -> dict:
    return override.rules if override is not None else (version.eligibility or {})


def latest_published(programme: Programme) -> ProgrammeVersion | None:
    return programme.versions.filter(status=Status.PUBLISHED).order_by("-number").first()


def rules_problems(rules, *, languages: list[str] | None = None) -> dict[str, list[str]]:
    """{field: [messages]} for rules a person wrote: the matching engine's strict check,
    field by field, and the library's own (the one content packages get) as well."""
    found: dict[str, list[str]] = {}
    for field, message in rule_problems(rules, languages=languages):
        found.setdefault(field, []).append(message)
    if not found:
        basic = eligibility_problems(rules)
        if basic:
            found["rules"] = basic
    return found


def _check(clinic, programme: Programme, acting_user) -> ProgrammeVersion:
    if clinic.pk not in access.managed_clinic_ids(acting_user):
        raise PermissionDenied
    version = latest_published(programme)
    if programme.region_id != clinic.region_id or version is None:
        raise ValidationError(_("This clinic cannot offer this programme."))
    return version


@transaction.atomic
def do_save_clinic_eligibility(clinic, programme: Programme, *, acting_user, rules: dict):
    """Save the clinic's own rules for a programme (all or nothing, audited). Raises
    ValidationError with {field: messages} for rules that do not hold."""
    version = _check(clinic, programme, acting_user)
    problems = rules_problems(rules, languages=list(version.languages))
    if problems:
        raise ValidationError(problems)
    row = (
        ClinicEligibility.objects.select_for_update(no_key=True)
        .filter(clinic=clinic, programme=programme)
        .first()
    )
    before = row.rules if row else version.eligibility
    if row is None:
        row = ClinicEligibility(clinic=clinic, programme=programme)
    row.rules = rules
    row.updated_by = acting_user
    row.save()
    audit.record(
        "programme.clinic_eligibility_saved",
        actor=acting_user,
        clinic=clinic,
        obj=row,
        purpose=AuditEvent.Purpose.ADMINISTRATION,
        changes={"programme": programme.key, "rules": {"before": before, "after": rules}},
    )
    return row


@transaction.atomic
def do_reset_clinic_eligibility(clinic, programme: Programme, *, acting_user) -> bool:
    """Go back to the published version's rules at this clinic. False if there was
    nothing to undo (and then nothing is recorded)."""
    version = _check(clinic, programme, acting_user)
    row = (
        ClinicEligibility.objects.select_for_update(no_key=True)
        .filter(clinic=clinic, programme=programme)
        .first()
    )
    if row is None:
        return False
    audit.record(
        "programme.clinic_eligibility_reset",
        actor=acting_user,
        clinic=clinic,
        obj=row,
        purpose=AuditEvent.Purpose.ADMINISTRATION,
        changes={
            "programme": programme.key,
            "rules": {"before": row.rules, "after": version.eligibility},
        },
    )
    row.delete()
    return True
