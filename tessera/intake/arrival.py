"""How a patient came in: the application that opened their episode, summed up for its
care team on the patient overview (decision 0138).

One query: the newest sent application of the episode with its referral, assessment,
assessor and programme joined, and its screening answers' totals joined beside it (one
row per answer; an application with none is one row)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from . import care_models
from .models import Application, Status


@dataclass(frozen=True)
class ScreeningTotal:
    instrument: str
    total: int | None
    band: str
    risk_flagged: bool


@dataclass(frozen=True)
class Arrival:
    application: Application
    referral: object | None
    assessment: object | None
    screening: list[ScreeningTotal]

    @property
    def care_model_label(self) -> str:
        return care_models.label(self.assessment.care_model) if self.assessment else ""


def arrival_of(episode) -> Arrival | None:
    """The summary of the episode's newest sent application, or None when the episode
    was opened without one (by hand, or before intake was in Tessera)."""
    rows = list(
        Application.objects.filter(episode_id=episode.pk)
        .exclude(status__in=[Status.DRAFT, Status.DUPLICATE])
        .select_related("referral", "assessment__assessor", "assessment__programme_version")
        .annotate(
            screening_instrument=F("screening_answers__instrument"),
            screening_total=F("screening_answers__total"),
            screening_band=F("screening_answers__band"),
            screening_risk=F("screening_answers__risk_flagged"),
        )
        .order_by("-id", "screening_answers__submitted_at", "screening_answers__id")
    )
    if not rows:
        return None
    application = rows[0]
    screening = [
        ScreeningTotal(
            row.screening_instrument, row.screening_total, row.screening_band, row.screening_risk
        )
        for row in rows
        if row.pk == application.pk and row.screening_instrument
    ]
    return Arrival(
        application=application,
        referral=getattr(application, "referral", None),
        assessment=getattr(application, "assessment", None),
        screening=screening,
    )
