"""An urgent application's acknowledgement window (issue 12; docs/safety.md).

An application marked urgent (a risk answer in screening, the referrer's or staff's
mark) is told at once to the clinic's intake staff and staff on call. The first of them
who opens it and acknowledges it ("I am dealing with this") is shown on the queue and
the application. Until then a window runs: ``safety.rules.URGENT_WINDOW_HOURS`` (one)
clock hour, day and night, the window of an urgent risk alert (docs/safety.md, "Each
severity has its own acknowledgement window"; the grading awaits a clinical lead's
sign-off there). When it passes unacknowledged, the periodic sweep tells the clinic
managers, and out of the clinic's working hours whoever is on the rota too, once
(``actions.urgent.escalate_overdue_urgent``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tessera.safety import rules


def window_end(since: dt.datetime) -> dt.datetime:
    return since + dt.timedelta(hours=rules.URGENT_WINDOW_HOURS)


def start_window(application, now: dt.datetime | None = None) -> None:
    """Start the window once, when the intake team is first told (a sent, urgent
    application); later calls change nothing."""
    if application.urgent_acknowledge_by is not None or application.urgent_acknowledged_at:
        return
    application.urgent_acknowledge_by = window_end(now or timezone.now())
    type(application).objects.filter(pk=application.pk, urgent_acknowledge_by__isnull=True).update(
        urgent_acknowledge_by=application.urgent_acknowledge_by
    )
