"""Demo: one open concern, so the alert list and the inbox show how an alert looks."""

from .actions import do_raise_concern
from .models import RiskAlert


def seed(ctx) -> None:
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
