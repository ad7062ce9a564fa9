"""Telling staff that an alert needs them, through the notifications app (every send is
logged, and sent at most once): by e-mail and by text message to their mobile number for
urgent alerts, whatever their notification preferences and quiet hours (the kinds are
``URGENT_KINDS`` there). Both say only that there is a risk alert to look at, and link
to it: no name, no answer, no score.

A notice can be sent later than it was written (a refusing mail or SMS server is tried
again for up to an hour and a half). When it comes due for someone whose login has been
closed since, it is withdrawn (``notifications.delivery.still_wanted``), and the people
who can act on the alert now are told instead (``_tell_who_can_act``): a patient at risk
is never left with a notice to nobody (decision 0105)."""

from __future__ import annotations

from django.urls import reverse

from tessera.notifications.delivery import notify
from tessera.notifications.models import Notification
from tessera.notifications.texts import register_still_wanted

from . import recipients
from .models import RiskAlert

KINDS = ("risk_alert", "risk_alert_escalated", "practice_risk_alert")


def tell_staff(users, alert, *, escalated: bool, again: str = "") -> int:
    """``again``: a reason to tell the same people at the same level a second time (an
    acknowledgement taken back at the last level), part of the notification's key.
    Returns how many of them were told now (not before, under the same key)."""
    kind = kind_for(alert, escalated=escalated)
    link = reverse("risk_alert", args=[alert.pk])
    suffix = f":{again}" if again else ""
    # A practice patient's alert is practice: e-mail only, never a text message at night
    # (decision 0144).
    channels = {"email"} if kind == "practice_risk_alert" else {"email", "sms"}
    told = 0
    for user in users:
        told += bool(
            notify(
                user,
                kind,
                key=key_for(alert, user, escalated=escalated) + suffix,
                link=link,
                channels=channels,
                clinic=alert.episode.clinic,  # a failure is shown to its staff on call
                params={"alert": alert.pk},
            )
        )
    return told


def kind_for(alert, *, escalated: bool) -> str:
    """A practice patient's alert has a notice of its own that says it is practice."""
    if recipients.is_practice(alert):
        return "practice_risk_alert"
    return "risk_alert_escalated" if escalated else "risk_alert"


def key_for(alert, user, *, escalated: bool) -> str:
    """The notice's key: one per alert, level and person (``tell_staff``)."""
    kind = kind_for(alert, escalated=escalated)
    return f"{kind}:{alert.pk}:{alert.escalation_level}:{user.pk}"


def not_yet_told(wanted: list[tuple]) -> list[tuple]:
    """Of these (alert, user, escalated), those without a notice under their key yet
    (one query, by the notification log's unique key)."""
    keys = {key_for(alert, user, escalated=escalated) for alert, user, escalated in wanted}
    known = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    return [
        (alert, user, escalated)
        for alert, user, escalated in wanted
        if key_for(alert, user, escalated=escalated) not in known
    ]


def _tell_who_can_act(row) -> None:
    """A notice withdrawn (its recipient left): the alert's people at its level now, if
    nobody has acknowledged it yet. Those told already have the notice's key: not twice."""
    alert = (
        RiskAlert.objects.filter(pk=row.params.get("alert"), resolved_at__isnull=True)
        .select_related("episode__clinic")
        .first()
    )
    if alert is None or alert.acknowledged_at is not None:
        return
    level = alert.escalation_level
    tell_staff(recipients.for_level(alert, level), alert, escalated=level > 0)


@register_still_wanted(*KINDS, on_withdrawn=_tell_who_can_act)
def _alert_still_open(row) -> bool:
    """A notice of an alert resolved meanwhile is not sent (no rows before 0105 carry
    the alert's id: those are sent)."""
    if "alert" not in row.params:
        return True
    return RiskAlert.objects.filter(pk=row.params["alert"], resolved_at__isnull=True).exists()
