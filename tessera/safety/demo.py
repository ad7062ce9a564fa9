"""Demo: open alerts, so the alert list and the inbox show how alerts look: a moderate
concern, and an urgent one (acknowledged within an hour, day and night). A therapist
replying to either patient gets "address safety first" before the reply."""

from .actions import do_raise_concern
from .models import RiskAlert


def seed(ctx) -> None:
    moderate_demo(ctx)
    urgent_demo(ctx)


def moderate_demo(ctx) -> None:
    patient = ctx.patients.get("patient2")
    therapist = ctx.staff.get("therapist")
    if patient is None or therapist is None:
        return
    episode = patient.episodes.order_by("-created_at").first()
    if episode is None or RiskAlert.objects.filter(episode=episode).exists():
        return
    do_raise_concern(
        episode,
        acting_user=therapist,
        concern="Wrote in this week's diary that nothing matters any more. Phone today.",
        severity=RiskAlert.Severity.MODERATE,
    )


def urgent_demo(ctx) -> None:
    patient = ctx.patients.get("patient5")
    if patient is None:
        return
    episode = patient.episodes.filter(therapist__isnull=False).order_by("-created_at").first()
    if episode is None or RiskAlert.objects.filter(episode=episode).exists():
        return
    do_raise_concern(
        episode,
        acting_user=episode.therapist,
        concern="Said on the phone she has made a plan. Call back within the hour.",
        severity=RiskAlert.Severity.URGENT,
    )
