"""Demo: open alerts, so the alert list and the inbox show how alerts look: a moderate
concern, and an urgent one (acknowledged within an hour, day and night). A therapist
replying to either patient gets "address safety first" before the reply. A resolved
high concern whose safety plan nobody has reviewed since shows the review prompt
(issue 20, item 6)."""

from .actions import do_raise_concern, do_resolve
from .models import RiskAlert


def seed(ctx) -> None:
    moderate_demo(ctx)
    urgent_demo(ctx)
    resolved_demo(ctx)


def resolved_demo(ctx) -> None:
    patient = ctx.patients.get("patient7")
    if patient is None:
        return
    episode = patient.episodes.filter(therapist__isnull=False).order_by("-created_at").first()
    if episode is None or RiskAlert.objects.filter(episode=episode).exists():
        return
    therapist = episode.therapist
    alert = do_raise_concern(
        episode,
        acting_user=therapist,
        concern="Sounded hopeless at the end of the session.",
        severity=RiskAlert.Severity.HIGH,
    )
    do_resolve(
        alert,
        acting_user=therapist,
        action=RiskAlert.Action.PHONED,
        note="Called back the same evening; she felt safer. Go over the safety plan together.",
    )


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
