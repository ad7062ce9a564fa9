"""The patient's home page: this week's homework, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.programs.models import Step
from tessera.treatment.actions import diary as diary_actions
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan
from tests.treatment.homework_fixtures import HOMEWORK, add_homework


@pytest.fixture
def plan(plan):
    """The shared plan (tests/conftest.py) with a homework step."""
    add_homework(plan)
    return plan


def register(plan, world, step=None):
    diary_actions.do_register_diary_entry(
        plan.entry,
        step or plan.homework,
        {"activity": "walk", "times": []},
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
    )


def test_home_lists_homework_with_this_week_s_count_and_a_link(world, plan, login):
    register(plan, world)
    register(plan, world)
    text = login(world["patient"]).get(reverse("home")).content.decode()
    assert "This week&#x27;s homework" in text or "This week's homework" in text
    assert "2 entries this week" in text
    link = reverse("diary_register", args=[plan.entry.pk, plan.homework.position])
    assert f'href="{link}?next=/"' in text


def test_no_panel_without_homework(world, login):
    build_plan(world)  # no homework step in this plan
    text = login(world["patient"]).get(reverse("home")).content.decode()
    assert "homework-heading" not in text


def test_a_module_not_open_yet_shows_no_homework(world, plan, login):
    later = dt.date.today() + dt.timedelta(days=30)
    plan_actions.do_add_module(
        world.episode, plan.worry, acting_user=world["therapist"], unlock_on=later
    )
    Step.objects.create(
        module_version=plan.worry, position=2, kind="homework", title="Worry log", fields=HOMEWORK
    )
    text = login(world["patient"]).get(reverse("home")).content.decode()
    assert "Activity diary" in text and "Worry log" not in text


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_home_uses_a_constant_number_of_queries(world, plan, login, django_assert_max_num_queries):
    client = login(world["patient"])
    client.get(reverse("home"))
    few = _queries(client)
    # More homework steps, more modules with homework, and many entries this week.
    for position in (4, 5):
        add_homework(plan, position=position)
    for module in (plan.values, plan.worry):
        Step.objects.create(
            module_version=module, position=2, kind="homework", title="More", fields=HOMEWORK
        )
    plan_actions.do_add_module(world.episode, plan.worry, acting_user=world["therapist"])
    for _ in range(12):
        register(plan, world)
    many = _queries(client)
    assert many == few
    with django_assert_max_num_queries(20):
        client.get(reverse("home"))
