"""An urgent application and its escalation reach those at work first (decision 0160's
follow-up, as a risk alert's managers): of the clinic's intake staff, managers and staff
on call, those on leave there that day are told only when every one of them is away; the
escalation goes to the managers at work, all of them only when every one is away."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tessera.core import actions as core_actions
from tessera.intake.actions import escalate_overdue_urgent
from tessera.notifications.models import Notification
from tests.intake.intake_helpers import PHQ_RISK, make_application

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
DAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=STOCKHOLM)  # a Friday, in working hours

pytestmark = pytest.mark.django_db


def _away(world, *kinds):
    with time_machine.travel(DAY - dt.timedelta(days=1), tick=False):
        for kind in kinds:
            core_actions.do_record_leave(
                world.clinic,
                acting_user=world["manager"],
                user=world[kind],
                first_day=DAY.date(),
                last_day=DAY.date(),
                cover=None,
            )


def _urgent(world):
    with time_machine.travel(DAY, tick=False):
        return make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK, phone="0701234")


def _told(kind):
    found = Notification.objects.filter(kind=kind)
    return sorted(found.values_list("recipient__email", flat=True))


TEAM = ["intake", "assessor", "manager", "staff_no_mfa"]


def test_those_at_work_are_told_of_an_urgent_application(world, consent):
    _away(world, "intake", "staff_no_mfa")
    _urgent(world)
    assert _told("urgent_application") == sorted([world["assessor"].email, world["manager"].email])


def test_everyone_away_all_are_told(world, consent):
    _away(world, *TEAM)
    _urgent(world)
    assert _told("urgent_application") == sorted(world[kind].email for kind in TEAM)


def test_the_escalation_goes_to_the_managers_at_work(
    world, consent, django_capture_on_commit_callbacks
):
    _away(world, "staff_no_mfa")
    _urgent(world)
    later = DAY + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert len(escalate_overdue_urgent()) == 1
    assert _told("urgent_application_escalated") == [world["manager"].email]


def test_every_manager_away_the_escalation_goes_to_them_all(
    world, consent, django_capture_on_commit_callbacks
):
    _away(world, "manager", "staff_no_mfa")
    _urgent(world)
    later = DAY + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert len(escalate_overdue_urgent()) == 1
    assert _told("urgent_application_escalated") == sorted(
        [world["manager"].email, world["staff_no_mfa"].email]
    )
