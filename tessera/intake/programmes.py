"""Programmes as the public pages describe them, in plain language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tessera.programs.markdown import render
from tessera.programs.models import ProgrammeVersion, Status


@dataclass
class PublicProgramme:
    key: str
    title: str
    description: SafeString
    professional: SafeString
    who_for: str
    weeks: int
    evidence: str
    care_model: str


def _who_for(version) -> str:
    rules = version.eligibility or {}
    low, high = rules.get("min_age"), rules.get("max_age")
    if low and high:
        return _("Adults aged %(low)s to %(high)s.") % {"low": low, "high": high}
    if low:
        return _("People aged %(low)s or older.") % {"low": low}
    if high:
        return _("People up to %(high)s years old.") % {"high": high}
    return _("Anyone the clinic assesses as suitable.")


def public_programmes(clinic, language: str) -> list[PublicProgramme]:
    """The newest published version of each programme of the clinic's region, those in
    the reader's language first. One query."""
    versions = ProgrammeVersion.objects.filter(
        programme__region_id=clinic.region_id, status=Status.PUBLISHED
    ).order_by("programme_id", "-number")
    newest = {}
    for version in versions.select_related("programme"):
        newest.setdefault(version.programme_id, version)
    chosen = sorted(
        newest.values(), key=lambda v: (language not in (v.languages or []), v.title.lower())
    )
    return [
        PublicProgramme(
            key=v.programme.key,
            title=v.title,
            description=render(v.description_patient),
            professional=render(v.description_professional),
            who_for=_who_for(v),
            weeks=v.weeks,
            evidence=v.evidence,
            care_model=v.get_care_model_display(),
        )
        for v in chosen
    ]
