"""A programme's default measures fill the time points the clinic has no rule for."""

from __future__ import annotations

import datetime as dt

import pytest

from tessera.core.models import AuditEvent, Episode
from tessera.treatment import actions, schedule
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import DueMeasure, MeasureRule

DEFAULTS = [
    {"instrument": "PHQ-9", "time_point": "pre"},  # the clinic has "pre": not added
    {"instrument": "GAD-7", "time_point": "weekly"},  # the clinic has "weekly": not added
    {"instrument": "PHQ-9", "time_point": "post"},  # no clinic rule: added
    {"instrument": "GAD-7", "time_point": "follow_up_3"},  # no clinic rule: added
    {"instrument": "GAD-7", "time_point": "follow_up_3"},  # listed twice: once
]


@pytest.fixture
def plan(plan):
    """The shared plan (tests/conftest.py) with the programme's default measures and weeks."""
    plan.depression.default_measures = DEFAULTS
    plan.depression.weeks = 8
    plan.depression.save(update_fields=["default_measures", "weeks"])
    return plan


def test_precedence_is_by_time_point():
    clinic = [MeasureRule(instrument="K10", time_point="weekly")]
    rules = schedule.effective_rules(clinic, DEFAULTS)
    assert [(r.instrument, r.time_point) for r in rules] == [
        ("K10", "weekly"),
        ("PHQ-9", "pre"),
        ("PHQ-9", "post"),
        ("GAD-7", "follow_up_3"),
    ]
    assert schedule.effective_rules([], None) == []


def _new_episode(world):
    return actions.do_open_episode(
        world.other_patient,
        world.clinic,
        acting_user=world["therapist"],
        therapist=world["therapist"],
    )


def points(episode):
    return sorted(
        DueMeasure.objects.filter(episode=episode).values_list("instrument", "time_point")
    )


def test_starting_treatment_uses_the_programme_for_empty_time_points(world, plan):
    episode = _new_episode(world)
    plan_actions.do_seed_plan(episode, plan.depression, acting_user=world["therapist"])
    assert not DueMeasure.objects.filter(episode=episode).exists()  # not started yet
    start = dt.date(2026, 3, 2)
    actions.do_start_treatment(episode, acting_user=world["therapist"], start_on=start, weeks=8)
    found = points(episode)
    assert ("PHQ-9", "post") in found and ("GAD-7", "follow_up_3") in found
    assert ("GAD-7", "weekly") in found  # the clinic's own weekly GAD-7
    assert found.count(("PHQ-9", "pre")) == 1
    # Hand-worked: 8 weeks from Monday 2 March is Monday 27 April; follow-up at 3
    # months is 91 days later, Monday 27 July (midnight in Stockholm, CEST = UTC+2).
    post = DueMeasure.objects.get(episode=episode, time_point="post")
    assert post.due_at == dt.datetime(2026, 4, 26, 22, 0, tzinfo=dt.UTC)
    follow = DueMeasure.objects.get(episode=episode, time_point="follow_up_3")
    assert follow.due_at == dt.datetime(2026, 7, 26, 22, 0, tzinfo=dt.UTC)


def test_seeding_a_plan_in_treatment_adds_the_programme_s_measures_once(world, plan):
    episode = _new_episode(world)
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2)
    )
    before = points(episode)
    assert ("PHQ-9", "post") not in before
    episode = Episode.objects.get(pk=episode.pk)
    plan_actions.do_seed_plan(episode, plan.depression, acting_user=world["therapist"])
    after = points(episode)
    assert sorted(set(after) - set(before)) == [("GAD-7", "follow_up_3"), ("PHQ-9", "post")]
    assert AuditEvent.objects.filter(
        action="episode.measures_scheduled", patient=world.other_patient
    ).exists()
    actions.do_schedule_programme_measures(episode)  # a second run adds nothing
    assert points(episode) == after


def test_a_clinic_rule_is_never_replaced(world, plan):
    MeasureRule.objects.create(clinic=world.clinic, instrument="K10", time_point="post")
    episode = _new_episode(world)
    plan_actions.do_seed_plan(episode, plan.depression, acting_user=world["therapist"])
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2)
    )
    post = [p for p in points(episode) if p[1] == "post"]
    assert post == [("K10", "post")]


# The programme's primary measure (issue 12 item 4): asked at the start and the end, with
# the same precedence by time point; a licensed one only where the clinic has its wording.


def test_the_primary_measure_is_added_at_the_start_and_the_end():
    rules = schedule.effective_rules([], [], "ISI")
    assert [(r.instrument, r.time_point) for r in rules] == [("ISI", "pre"), ("ISI", "post")]
    listed = [{"instrument": "ISI", "time_point": "pre"}]
    rules = schedule.effective_rules([], listed, "ISI")  # not twice
    assert [(r.instrument, r.time_point) for r in rules] == [("ISI", "pre"), ("ISI", "post")]
    clinic = [MeasureRule(instrument="K10", time_point="post")]  # the clinic's own "post"
    rules = schedule.effective_rules(clinic, [], "GAD-7")
    assert [(r.instrument, r.time_point) for r in rules] == [("K10", "post"), ("GAD-7", "pre")]


def test_a_programme_schedules_its_primary_measure(world, plan):
    version = plan.depression
    version.problem_area = "worry"  # default primary measure: GAD-7
    version.default_measures = []
    version.save(update_fields=["problem_area", "default_measures"])
    episode = _new_episode(world)
    plan_actions.do_seed_plan(episode, version, acting_user=world["therapist"])
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2)
    )
    assert ("GAD-7", "post") in points(episode)
    assert actions.episodes.primary_measure(episode) == "GAD-7"


def test_a_licensed_primary_measure_waits_for_the_clinics_wording(world, plan):
    version = plan.depression
    version.problem_area = "insomnia"  # ISI: structure only, licensed by its owner
    version.default_measures = []
    version.save(update_fields=["problem_area", "default_measures"])
    episode = _new_episode(world)
    plan_actions.do_seed_plan(episode, version, acting_user=world["therapist"])
    assert version.primary_measure_code == "ISI"
    assert actions.episodes.primary_measure(episode) == ""  # no wording entered
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2)
    )
    assert not [p for p in points(episode) if p[0] == "ISI"]


def test_a_chosen_licensed_primary_measure_is_scheduled_once_the_wording_is_entered(world, plan):
    from tests.instruments.test_licensed_scheduling import save_madrss

    version = plan.depression
    version.primary_measure = "MADRS-S"  # staff's choice for a depression programme
    version.default_measures = []
    version.save(update_fields=["primary_measure", "default_measures"])
    save_madrss(world)
    episode = _new_episode(world)
    plan_actions.do_seed_plan(episode, version, acting_user=world["therapist"])
    actions.do_start_treatment(
        episode, acting_user=world["therapist"], start_on=dt.date(2026, 3, 2)
    )
    found = points(episode)
    assert ("MADRS-S", "post") in found
    assert ("MADRS-S", "pre") not in found  # the clinic has its own "pre" rules
