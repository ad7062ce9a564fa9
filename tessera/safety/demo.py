"""Demo: open alerts, so the alert list and the inbox show how alerts look: a moderate
concern, and an urgent one (acknowledged within an hour, day and night). A therapist
replying to either patient gets "address safety first" before the reply. A resolved
high concern whose safety plan nobody has reviewed since shows the review prompt
(issue 20, item 6). Vera, whose course has ended, sent a PHQ-9 after it had closed
with a risk answer: her therapist read the "late" alert and phoned her (decision 0136)."""

from django.utils import timezone

from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure

from .actions import do_raise_concern, do_resolve
from .models import RiskAlert


def seed(ctx) -> None:
    moderate_demo(ctx)
    urgent_demo(ctx)
    resolved_demo(ctx)
    late_demo(ctx)


def late_demo(ctx) -> None:
    patient = ctx.patients.get("patient9")
    if patient is None or patient.user is None:
        return
    episode = patient.episodes.filter(therapist__isnull=False).order_by("-created_at").first()
    if episode is None or RiskAlert.objects.filter(episode=episode).exists():
        return
    closed = (
        DueMeasure.objects.filter(
            episode=episode, instrument="PHQ-9", expires_at__lte=timezone.now()
        )
        .pending()
        .order_by("-expires_at")
        .first()
    )
    if closed is None:
        return
    answers = {n: 1 for n in range(1, 9)} | {9: 2}
    alert = treatment.do_send_late_risk_answers(closed, answers, acting_user=patient.user)
    if alert is None:
        return
    do_resolve(
        alert,
        acting_user=episode.therapist,
        action=RiskAlert.Action.PHONED,
        note="Her course had ended; she sent the questionnaire late. Phoned her: she is "
        "safer now, and her GP will follow up. Booked a check-in call next week.",
    )


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
