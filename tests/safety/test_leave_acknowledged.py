"""An alert acknowledged by someone now on leave, and managers on leave (decision 0160,
after 0155): an acknowledgement by someone away holds nobody, so the alert is passed on
as if never acknowledged; the managers at work are told, those away only when every
manager is away."""

from __future__ import annotations

import datetime as dt

import time_machine

from tessera.core import access
from tessera.core.clinic_dates import zone_date
from tessera.notifications.models import Notification
from tessera.safety import actions
from tessera.safety.models import RiskAlert
from tests.safety.test_leave_edges import (
    LATER,
    STOCKHOLM,
    TUESDAY,
    TUESDAY_10,
    both_paths,
    concern,
    leave,
)


def acknowledged(world, capture) -> RiskAlert:
    alert = concern(world, capture)
    with time_machine.travel(LATER, tick=False):
        actions.do_acknowledge(alert, acting_user=world["therapist"])
    return RiskAlert.objects.get(pk=alert.pk)


def holds(alert, at) -> bool:
    return RiskAlert.objects.filter(pk=alert.pk).filter(access.acknowledgement_holds(at)).exists()


def test_an_acknowledgement_by_someone_on_leave_holds_nobody(
    world, django_capture_on_commit_callbacks
):
    """Before: the therapist acknowledged the alert, went on leave, and it stayed "held"
    by someone away; nobody else was told. Now the sweep takes the acknowledgement back
    once the window has run out and passes the alert on, to the same people whether read
    for the sweep or alone."""
    alert = acknowledged(world, django_capture_on_commit_callbacks)
    sweep_at = alert.acknowledge_by + dt.timedelta(minutes=1)
    assert holds(alert, sweep_at)
    assert actions.escalate_overdue(sweep_at) == []  # at work: it holds
    away_from = zone_date("Europe/Stockholm", sweep_at)
    leave(world, world["therapist"], first=away_from, last=away_from + dt.timedelta(days=6))
    assert not holds(alert, sweep_at)
    assert holds(
        alert, dt.datetime.combine(away_from, dt.time(0, 0), STOCKHOLM) - dt.timedelta(minutes=1)
    )
    with (
        time_machine.travel(sweep_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        escalated = actions.escalate_overdue(sweep_at)
    assert [a.pk for a in escalated] == [alert.pk]
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.escalation_level == 1
    told = set(
        Notification.objects.filter(params__alert=alert.pk, created_at__gte=sweep_at).values_list(
            "recipient_id", flat=True
        )
    )
    expected = both_paths(world, alert, sweep_at, level=1)
    assert expected and told == {user.pk for user in expected}
    assert world["therapist"] not in expected


def test_leave_is_read_in_the_clinics_calendar(world, django_capture_on_commit_callbacks):
    """23:30 UTC on Tuesday is already Wednesday in Stockholm: a leave from Wednesday
    counts then, not an hour before."""
    alert = acknowledged(world, django_capture_on_commit_callbacks)
    wednesday = TUESDAY + dt.timedelta(days=1)
    leave(world, world["therapist"], first=wednesday, last=wednesday)
    late_tuesday_utc = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)
    assert not holds(alert, late_tuesday_utc)
    assert holds(alert, late_tuesday_utc - dt.timedelta(hours=1))


def managers_told(world, alert) -> list:
    return both_paths(world, alert, TUESDAY_10, level=2)


def test_the_managers_at_work_are_told_not_those_away(world, django_capture_on_commit_callbacks):
    """Two managers, one on leave: before, both were told; now the one at work."""
    alert = concern(world, django_capture_on_commit_callbacks)
    assert managers_told(world, alert) == sorted(
        [world["manager"], world["staff_no_mfa"]], key=lambda u: u.pk
    )
    leave(world, world["manager"])
    assert managers_told(world, alert) == [world["staff_no_mfa"]]


def test_with_every_manager_away_they_are_all_still_told(world, django_capture_on_commit_callbacks):
    """The last fallback: with no manager at work, every manager is told, on leave or not."""
    alert = concern(world, django_capture_on_commit_callbacks)
    leave(world, world["manager"])
    leave(world, world["staff_no_mfa"])
    assert managers_told(world, alert) == sorted(
        [world["manager"], world["staff_no_mfa"]], key=lambda u: u.pk
    )
