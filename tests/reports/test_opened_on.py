"""A course is in a period's per-episode table from the day it came into care.

``opened_on`` was the clinic's date of the episode row's creation. A course entered
after it began (brought over from an earlier system; the demo's history, seeded today)
was "opened" after its start, and the per-episode table of any past period (opened on or
before the period's end) left it out: the demo's table for the third quarter of 2026
was empty, with 51 courses in care then (decision 0107)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse

from tessera.core.models import Episode
from tessera.reports import outcome_table
from tessera.reports.models import EpisodeOutcome
from tessera.treatment import plans
from tests.conftest import sign_in


def _begun(world, days_ago: int) -> dt.date:
    started = plans.clinic_today(world.clinic) - dt.timedelta(days=days_ago)
    Episode.objects.filter(pk=world.episode.pk).update(started_on=started)
    outcome_table.refresh([world.episode.pk])
    return started


def test_a_course_begun_before_it_was_entered_was_opened_when_it_began(world):
    started = _begun(world, 100)
    assert EpisodeOutcome.objects.get(episode=world.episode).opened_on == started


def test_a_course_entered_before_it_began_keeps_the_day_it_was_entered(world):
    today = plans.clinic_today(world.clinic)
    Episode.objects.filter(pk=world.episode.pk).update(started_on=today + dt.timedelta(days=7))
    outcome_table.refresh([world.episode.pk])
    assert EpisodeOutcome.objects.get(episode=world.episode).opened_on == today


def test_the_table_of_the_period_it_began_in_lists_it(world, client):
    started = _begun(world, 100)
    sign_in(client, world["manager"])
    period = {"start": started.isoformat(), "end": (started + dt.timedelta(days=30)).isoformat()}
    response = client.get(reverse("clinic_outcome_table", args=["alpha"]), period)
    assert response.status_code == 200
    shown = {row.episode_id for row in response.context["page"].object_list}
    assert world.episode.pk in shown


def test_no_course_in_the_demo_was_opened_after_it_began(seeded_demo):
    assert not EpisodeOutcome.objects.filter(opened_on__gt=F("started_on")).exists()
