"""Programme matching for intake: the Django side of the pure engine (engine.py).

    candidates_for_clinic(clinic) -> list[Candidate]
    suggestions_for(applications, *, today=None) -> {application.pk: Suggestions}
    screening_for(application, *, today) -> ScreeningSummary

``Suggestions`` is a list of ``Suggestion``, best first, with ``.summary`` (one
sentence: "PHQ-9 14, moderate; GAD-7 12, moderate; suggest depression or a
transdiagnostic plan") and ``.nothing_fits``. Both functions run a constant number of
queries, whatever the number of applications or clinics. Django is imported inside the
functions, so that ``tessera.programs.matching.engine`` stays importable without it.

An application is anything with ``pk``, ``clinic``, ``date_of_birth``, ``language`` and
``screening_answers`` (a related manager whose rows have ``instrument``, ``total``,
``band`` and ``risk_flagged``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tessera.instruments.scoring import UnknownInstrumentError, load_definition
from tessera.instruments.scoring.bands import find_band

from .engine import (
    Candidate,
    Score,
    ScreeningSummary,
    Suggestion,
    Suggestions,
    age_on,
    match,
)

__all__ = [
    "Candidate",
    "Score",
    "ScreeningSummary",
    "Suggestion",
    "Suggestions",
    "band_words",
    "candidates_for_clinic",
    "match",
    "screening_for",
    "suggestions_for",
]


def _candidates(versions, overrides, clinic_id: int, region_id: int) -> list[Candidate]:
    from ..eligibility import effective_rules  # Django models: see the module docstring

    return [
        Candidate(
            key=v.programme.key,
            title=v.title,
            problem_area=v.problem_area,
            languages=tuple(v.languages or ()),
            rules=effective_rules(v, overrides.get((clinic_id, v.programme_id))),
            ref=v,
        )
        for v in versions
        if v.programme.region_id == region_id
    ]


def candidates_for_clinic(clinic) -> list[Candidate]:
    """The published programmes of the clinic's region (latest version of each), with
    the rules that hold at this clinic. Two queries."""
    from ..eligibility import overrides_for, published_versions  # Django models: see the docstring

    versions = published_versions([clinic.region_id])
    return _candidates(versions, overrides_for([clinic.pk]), clinic.pk, clinic.region_id)


def band_words(instrument: str, band: str | None, total: float | None) -> str:
    """A band in words in the active language: ``band`` may be a band code of the
    instrument's definition ("moderate") or text; without one, the total's band."""
    from django.utils.translation import get_language  # inside: the package imports without Django

    try:
        bands = load_definition(instrument).bands
    except UnknownInstrumentError:
        bands = None
    found = None
    if bands is not None:
        found = next((b for b in bands.ranges if b.code == band), None)
        if found is None and not band and total is not None:
            found = find_band(bands, total)
    if found is None:
        return band or ""
    language = (get_language() or "en").split("-")[0]
    text = found.label.get(language) or found.label.get("en") or found.code
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def screening_for(application, *, today: date) -> ScreeningSummary:
    answers = list(application.screening_answers.all())
    scores = tuple(
        Score(a.instrument, a.total, band_words(a.instrument, a.band, a.total)) for a in answers
    )
    flagged = tuple(dict.fromkeys(a.instrument for a in answers if a.risk_flagged))
    return ScreeningSummary(
        age=age_on(application.date_of_birth, today),
        language=application.language or None,
        scores=scores,
        risk_flags=flagged,
        assessed_risk=assessed_risk_of(application),
    )


def assessed_risk_of(application) -> str | None:
    """The risk level a clinician recorded in the application's assessment, if any.
    ``assessed_risk`` on a stand-in object; no query when the assessment was loaded."""
    if hasattr(application, "assessed_risk"):
        return application.assessed_risk or None
    try:
        assessment = application.assessment
    except Exception:  # noqa: BLE001 - no assessment yet (RelatedObjectDoesNotExist)
        return None
    return getattr(assessment, "risk_level", None) or None


def _prefetch(applications: list) -> None:
    """Load clinics and screening answers of real model instances in two queries."""
    from django.db import models  # inside: the package imports without Django
    from django.db.models import (
        prefetch_related_objects,  # inside: the package imports without Django
    )

    instances = [a for a in applications if isinstance(a, models.Model)]
    if instances:
        prefetch_related_objects(instances, "clinic", "screening_answers", "assessment")


def suggestions_for(
    applications: Iterable, *, today: date | None = None, versions: list | None = None
) -> dict:
    """{application.pk: Suggestions} for applications of any clinics, in at most four
    queries (clinics, screening answers, programme versions, clinic rules). ``versions``:
    the published versions of the applications' regions (``published_versions``) when
    the caller has read them already (one query fewer)."""
    from tessera.core.clinic_dates import clinic_today  # inside: imports without Django

    from ..eligibility import overrides_for, published_versions  # Django models: see the docstring

    applications = list(applications)
    if not applications:
        return {}
    _prefetch(applications)
    clinics = {a.clinic.pk: a.clinic for a in applications if a.clinic is not None}
    if versions is None:
        versions = published_versions({c.region_id for c in clinics.values()})
    overrides = overrides_for(clinics)
    per_clinic = {
        pk: _candidates(versions, overrides, pk, c.region_id) for pk, c in clinics.items()
    }
    # Ages on each clinic's own date (an applicant turns 18 at the clinic's midnight).
    days = {pk: today or clinic_today(c) for pk, c in clinics.items()}
    return {
        a.pk: match(screening_for(a, today=days[a.clinic.pk]), per_clinic[a.clinic.pk])
        if a.clinic is not None
        else match(screening_for(a, today=today or _server_today()), [])
        for a in applications
    }


def _server_today() -> date:
    """For an application of no clinic (none in practice): the server's date."""
    from django.utils import timezone

    return timezone.localdate()
