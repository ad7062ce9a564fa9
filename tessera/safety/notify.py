"""Telling staff that an alert needs them, through the notifications app (every send is
logged, and sent at most once): by e-mail and by text message to their mobile number for
urgent alerts, whatever their notification preferences and quiet hours (the kinds are
``URGENT_KINDS`` there). Both say only that there is a risk alert to look at, and link
to it: no name, no answer, no score."""

from __future__ import annotations

from django.urls import reverse

from tessera.notifications.delivery import notify


def tell_staff(users, alert, *, escalated: bool, again: str = "") -> None:
    """``again``: a reason to tell the same people at the same level a second time (an
    acknowledgement taken back at the last level), part of the notification's key."""
    kind = "risk_alert_escalated" if escalated else "risk_alert"
    link = reverse("risk_alert", args=[alert.pk])
    suffix = f":{again}" if again else ""
    for user in users:
        notify(
            user,
            kind,
            key=f"{kind}:{alert.pk}:{alert.escalation_level}:{user.pk}{suffix}",
            link=link,
            channels={"email", "sms"},
            clinic=alert.episode.clinic,  # a failure is shown to its staff on call
        )
