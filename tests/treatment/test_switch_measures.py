"""A programme switch reschedules the programme's measures (issue 20, item 10).

Hand-worked: treatment from Monday 2 March 2026, 8 weeks (post due Monday 27 April,
follow-up at 3 months Monday 27 July). The switch is on Friday 20 March.

| measure | from | after the switch |
|---|---|---|
| PHQ-9 post | depression only | cancelled (ahead, not answered) |
| GAD-7 follow_up_3 | both programmes | kept as it was |
| PHQ-9 follow_up_6 | depression only, answered early | kept (answered) |
| K10 post | panic only | scheduled, due 27 April |
| K10 follow_up_12 | panic only | scheduled, due 1 March 2027 |
| PHQ-9 pre, weekly | the clinic's own rules | untouched |
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.treatment import actions
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import DueMeasure, PlanChange

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SWITCH_DAY = dt.datetime(2026, 3, 20, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def plan(plan):
    """The shared plan (tests/conftest.py) with both programmes' default measures and weeks."""
    plan.depression.default_measures = [
        {"instrument": "PHQ-9", "time_point": "post"},
        {"instrument": "GAD-7", "time_point": "follow_up_3"},
        {"instrument": "PHQ-9", "time_point": "follow_up_6"},
    ]
    plan.depression.weeks = 8
    plan.depression.save(update_fields=["default_measures", "weeks"])
    plan.panic.default_measures = [
        {"instrument": "K10", "time_point": "post"},
        {"instrument": "GAD-7", "time_point": "follow_up_3"},
        {"instrument": "K10", "time_point": "follow_up_12"},
    ]
    plan.panic.weeks = 8
    plan.panic.save(update_fields=["default_measures", "weeks"])
    return plan


@pytest.fixture
def episode(world, plan):
    episode = actions.do_open_episode(
        world.other_patient,
        world.clinic,
        acting_user=world["therapist"],
        therapist=world["therapist"],
    )
    plan_actions.do_seed_plan(episode, plan.depression, acting_user=world["therapist"])
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2), weeks=8
    )
    DueMeasure.objects.filter(episode=episode, time_point="follow_up_6").update(
        completed_at=timezone.now()
    )
    return episode


def state(episode):
    return {
        (d.instrument, d.time_point): (
            "cancelled" if d.cancelled else "done" if d.completed_at else "due"
        )
        for d in DueMeasure.objects.filter(episode=episode, sequence=0)
    }


def switch(world, episode, plan):
    with time_machine.travel(SWITCH_DAY, tick=False):
        plan_actions.do_switch_programme(
            episode, plan.panic, acting_user=world["therapist"], reason="Panic, not depression"
        )


def test_the_switch_cancels_the_old_and_schedules_the_new(world, plan, episode):
    assert state(episode)[("PHQ-9", "post")] == "due"
    switch(world, episode, plan)
    found = state(episode)
    assert found[("PHQ-9", "post")] == "cancelled"
    assert found[("GAD-7", "follow_up_3")] == "due"
    assert found[("PHQ-9", "follow_up_6")] == "done"
    assert found[("K10", "post")] == "due" and found[("K10", "follow_up_12")] == "due"
    assert found[("PHQ-9", "pre")] != "cancelled"
    k10 = DueMeasure.objects.get(episode=episode, instrument="K10", time_point="post")
    assert k10.due_at == dt.datetime(2026, 4, 27, tzinfo=STOCKHOLM)
    change = PlanChange.objects.get(kind="switched")
    assert change.details["measures_scheduled"] == 2
    assert change.details["measures_cancelled"] == 1
    event = AuditEvent.objects.get(action="episode.measures_scheduled", changes__source="switch")
    assert event.changes == {"source": "switch", "measures": 2, "cancelled": 1}


def test_switching_back_brings_the_cancelled_ones_back_once(world, plan, episode):
    switch(world, episode, plan)
    with time_machine.travel(SWITCH_DAY + dt.timedelta(days=1), tick=False):
        plan_actions.do_switch_programme(
            episode, plan.depression, acting_user=world["therapist"], reason="Back"
        )
    found = state(episode)
    assert found[("PHQ-9", "post")] == "due"
    assert found[("K10", "post")] == "cancelled"
    assert (
        DueMeasure.objects.filter(episode=episode, instrument="PHQ-9", time_point="post").count()
        == 1
    )


def test_nothing_past_is_scheduled_back_dated(world, plan, episode):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=STOCKHOLM), tick=False):
        plan_actions.do_switch_programme(
            episode, plan.panic, acting_user=world["therapist"], reason="Late switch"
        )
    found = state(episode)
    assert ("K10", "post") not in found  # due 27 April: already past
    assert found[("K10", "follow_up_12")] == "due"
    assert found[("PHQ-9", "post")] == "due"  # past its date: left for the clinic to see


def test_the_plan_history_shows_the_measures(world, plan, episode, login):
    switch(world, episode, plan)
    client = login(world["therapist"])
    page = client.get(f"/patients/{world.other_patient.pk}/plan/").content.decode()
    assert "questionnaires: 2 scheduled, 1 cancelled" in page
