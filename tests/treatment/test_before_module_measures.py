""" "Before each module" questionnaires: scheduled when the patient first opens a module,
open at once, once per module; the reader points to them without blocking reading."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.treatment import schedule
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import DueMeasure, MeasureRule


@pytest.fixture
def rule(world):
    return MeasureRule.objects.create(
        clinic=world.clinic, instrument="PHQ-9", time_point="before_module", expire_days_after=3
    )


def before(world):
    return DueMeasure.objects.filter(episode=world.episode, time_point="before_module")


def reader(entry):
    return reverse("module_reader", args=[entry.pk])


def test_occasions_for_one_module_open_now_and_expire_by_the_rule(rule):
    now = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
    (occasion,) = schedule.before_module_occasions([rule], sequence=41, now=now)
    assert occasion.sequence == 41 and occasion.opens_at == now == occasion.due_at
    # expire_days_after=3: open through the third day after, as for other occasions.
    assert occasion.expires_at == now + dt.timedelta(days=4)


def test_first_opening_schedules_once_and_is_audited(world, plan, rule, login):
    client = login(world["patient"])
    client.get(reader(plan.entry))
    client.get(reader(plan.entry) + "?step=2")
    due = before(world).get()
    assert due.sequence == plan.entry.pk and due.instrument == "PHQ-9"
    assert due.is_open()
    # Seeding the plan scheduled the programme's primary measure (source "programme").
    scheduled = AuditEvent.objects.filter(action="episode.measures_scheduled")
    assert [e.changes["source"] for e in scheduled].count("before_module") == 1


def test_each_module_gets_its_own_occasion(world, plan, rule):
    values = world.episode.plan.get(module_version=plan.values)
    plan_actions.record_step_seen(plan.entry, 1)
    plan_actions.record_step_seen(values, 1)
    assert sorted(before(world).values_list("sequence", flat=True)) == sorted(
        [plan.entry.pk, values.pk]
    )


def test_a_worksheet_saved_first_also_starts_the_module(world, plan, rule):
    step = plan.activity.steps.get(position=2)
    plan_actions.do_save_worksheet(
        plan.entry, step, {"situation": "x"}, acting_user=world.patient.user
    )
    assert before(world).count() == 1


def test_no_rule_no_questionnaire(world, plan, login):
    login(world["patient"]).get(reader(plan.entry))
    assert not before(world).exists()


def test_the_reader_points_to_the_questionnaire_but_still_shows_the_module(
    world, plan, rule, login
):
    text = login(world["patient"]).get(reader(plan.entry)).content.decode()
    due = before(world).get()
    assert "Answer this before you start" in text
    assert reverse("questionnaire_fill", args=[due.pk]) in text
    assert "<strong>Activity and mood</strong>" in text  # reading is not blocked


def test_the_pointer_goes_once_the_questionnaire_is_answered(world, plan, rule, login):
    client = login(world["patient"])
    client.get(reader(plan.entry))
    before(world).update(completed_at=timezone.now())
    assert "Answer this before you start" not in client.get(reader(plan.entry)).content.decode()


def test_the_questionnaire_is_on_the_patient_s_list(world, plan, rule, login):
    client = login(world["patient"])
    client.get(reader(plan.entry))
    due = before(world).get()
    assert client.get(reverse("questionnaire_fill", args=[due.pk])).status_code == 200


def test_a_programme_s_before_module_measure_applies_when_the_clinic_has_none(world, plan):
    plan.depression.default_measures = [{"instrument": "GAD-7", "time_point": "before_module"}]
    plan.depression.save(update_fields=["default_measures"])
    world.episode.refresh_from_db()
    entry = world.episode.plan.get(module_version=plan.activity)
    plan_actions.record_step_seen(entry, 1)
    assert list(before(world).values_list("instrument", flat=True)) == ["GAD-7"]


def test_the_clinic_s_rule_wins_over_the_programme_s(world, plan, rule):
    plan.depression.default_measures = [{"instrument": "GAD-7", "time_point": "before_module"}]
    plan.depression.save(update_fields=["default_measures"])
    world.episode.refresh_from_db()
    entry = world.episode.plan.get(module_version=plan.activity)
    plan_actions.record_step_seen(entry, 1)
    assert list(before(world).values_list("instrument", flat=True)) == ["PHQ-9"]
