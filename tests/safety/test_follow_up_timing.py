"""Risk follow-up timing (issue 20, item 6): a high alert counts its window in the
clinic's working hours plus the hours its on-call rota covers.

Hand-scored cases, clinic alpha (08-16 Monday to Friday, Stockholm, one hour for a
high alert):

| raised | rota | due |
|---|---|---|
| Tue 18:15 | nobody | Wed 09:00 (one working hour from 08:00) |
| Tue 18:15 | 16-24 every day | Tue 19:15 |
| Tue 23:30 | 16-24 every day | Wed 08:30 (half an hour before midnight, the rest at 08:00) |
| Sat 02:00 | nights and weekends | Sat 03:00 |
| Thu 24 Dec 18:15 (Christmas Eve, closed) | 16-24 every day | 19:15 the same evening |
| Tue 18:15, moderate | 16-24 every day | Wed 16:00 (eight working hours, working hours only) |
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tessera.core import actions as core_actions
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.safety import actions, follow_up, rules
from tessera.safety.actions.plans import do_save_safety_plan
from tessera.safety.models import RiskAlert
from tests.conftest import make_user

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TUESDAY_1815 = dt.datetime(2026, 11, 24, 18, 15, tzinfo=STOCKHOLM)


def at(day, hour, minute=0, month=11):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def evenings(world):
    user = make_user("evening@alpha.test", second_factor=True)
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=range(1, 8),
        starts_hour=16,
        ends_hour=24,
    )
    return user


def test_without_a_rota_a_high_concern_at_18_15_waits_for_the_morning(world):
    assert rules.acknowledge_by(world.clinic, "high", TUESDAY_1815) == at(25, 9)


def test_with_someone_on_call_it_is_due_that_evening(world, evenings):
    assert rules.acknowledge_by(world.clinic, "high", TUESDAY_1815) == at(24, 19, 15)


def test_the_window_runs_on_into_the_next_opening(world, evenings):
    assert rules.acknowledge_by(world.clinic, "high", at(24, 23, 30)) == at(25, 8, 30)


def test_public_holidays_are_covered_by_the_rota(world, evenings):
    christmas_eve = at(24, 18, 15, month=12)
    assert rules.acknowledge_by(world.clinic, "high", christmas_eve) == at(24, 19, 15, month=12)


def test_moderate_alerts_keep_to_working_hours(world, evenings):
    assert rules.acknowledge_by(world.clinic, "moderate", TUESDAY_1815) == at(25, 16)


def test_a_raised_concern_and_its_escalation_use_the_rota_hours(
    world, evenings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY_1815, tick=False):
        alert = actions.do_raise_concern(
            world.episode, acting_user=world["therapist"], concern="Worrying call", severity="high"
        )
    assert alert.acknowledge_by == at(24, 19, 15)
    with (
        time_machine.travel(at(24, 19, 16), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        escalated = actions.escalate_overdue()
    assert [a.escalation_level for a in escalated] == [1]
    alert.refresh_from_db()
    assert alert.acknowledge_by == at(24, 20, 16)
    assert AuditEvent.objects.filter(action="risk_alert.escalated").count() == 1


def test_waits_for_opening_only_when_nobody_is_there(world, evenings):
    alert = actions.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="x", severity="high"
    )
    assert follow_up.waits_for_opening(alert, at(24, 18, 15)) is False  # on the rota
    assert follow_up.waits_for_opening(alert, at(25, 3)) is True  # nobody at 03:00
    assert follow_up.waits_for_opening(alert, at(25, 10)) is False  # open
    alert.severity = RiskAlert.Severity.URGENT
    assert follow_up.waits_for_opening(alert, at(25, 3)) is False  # clock hours anyway


def test_the_rota_costs_one_query(world, evenings, django_assert_num_queries):
    with django_assert_num_queries(1):
        rules.acknowledge_by(world.clinic, "high", TUESDAY_1815)


def test_the_alert_page_warns_when_it_waits_for_the_clinic_to_open(world, client):
    alert = actions.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="x", severity="high"
    )
    client.force_login(world["therapist"])
    with time_machine.travel(at(25, 3), tick=False):
        night = client.get(f"/alerts/{alert.pk}/").content.decode()
        concern_form = client.get(f"/episodes/{world.episode.pk}/concern/").content.decode()
    assert 'id="waits-for-opening"' in night
    assert "nobody is on call now" in concern_form
    with time_machine.travel(at(25, 10), tick=False):
        day = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'id="waits-for-opening"' not in day


def test_resolving_opens_the_safety_plan_for_review(world, client):
    alert = actions.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="x", severity="high"
    )
    client.force_login(world["therapist"])
    response = client.post(
        f"/alerts/{alert.pk}/resolve/", {"action": "phoned", "action_note": "Called her"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/episodes/{world.episode.pk}/safety-plan/?edit=1"
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "The patient has no safety plan yet." in page
    assert "Review the safety plan" in page


def test_a_plan_saved_after_the_alert_counts_as_reviewed(world, client):
    alert = actions.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="x", severity="high"
    )
    actions.do_resolve(alert, acting_user=world["therapist"], action="phoned", note="")
    do_save_safety_plan(
        world.episode,
        acting_user=world["therapist"],
        parts={"warning_signs": "Not sleeping"},
        based_on=0,
    )
    client.force_login(world["therapist"])
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Reviewed since this alert" in page
    assert "Review the safety plan</a>" not in page
