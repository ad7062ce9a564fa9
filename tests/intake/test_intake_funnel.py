"""The funnel page: counts per step and median waits, counted in the database (at most
five queries: ``test_intake_funnel_in_database.py``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from tessera.core.models import Clinic, Episode
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.funnel import funnel
from tessera.intake.models import Application
from tests.intake.assessment_helpers import accepted_episode, assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def test_counts_and_median_waits(world, django_assert_max_num_queries):
    version = published_version(world)
    first = make_application(world.clinic, "f1@apply.test")
    make_application(world.clinic, "f2@apply.test")
    make_application(world.clinic, "f3@apply.test", submit=False)  # a draft: not counted
    decision_actions.do_assess(
        first,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    Application.objects.filter(pk=first.pk).update(screened_at=two_days_ago)
    with django_assert_max_num_queries(5):
        steps = funnel(world.clinic)
    assert [s.count for s in steps] == [2, 2, 1, 1, 0]
    assert steps[2].median_days == 2.0  # screened two days before the assessment
    assert steps[0].median_days is None


def test_the_page_lists_the_steps(world, login):
    body = login(world["manager"]).get(reverse("intake_funnel")).content.decode()
    assert "Started treatment" in body and "Median wait (days)" in body


def test_the_wait_to_the_end_counts_the_clinics_days(world):
    """A course started at 00:30 in Stockholm (23:30 the day before in UTC) and ended
    that same day there waited no day (decision 0109)."""
    application = make_application(world.clinic, "f4@apply.test")
    episode = accepted_episode(world, application)
    started = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC)  # 2 March, 00:30 there
    Application.objects.filter(pk=application.pk).update(started_at=started)
    Episode.objects.filter(pk=episode.pk).update(ended_on=dt.date(2027, 3, 2))
    assert world.clinic.time_zone == "Europe/Stockholm"
    assert funnel(world.clinic)[4].median_days == 0.0


def test_the_wait_to_the_end_counts_a_scottish_clinics_days_where_read(world, login):
    """A Scottish course started at 23:30 its time on 1 March (00:30 on 2 March in
    Stockholm) and ended on 2 March there waited a day, read in Stockholm too: on the
    clinic's own calendar, not the reader's (decision 0116)."""
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    world.clinic.refresh_from_db()
    application = make_application(world.clinic, "f5@apply.test")
    episode = accepted_episode(world, application)
    started = dt.datetime(2027, 3, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    Application.objects.filter(pk=application.pk).update(started_at=started)
    Episode.objects.filter(pk=episode.pk).update(ended_on=dt.date(2027, 3, 2))
    with timezone.override("Europe/Stockholm"):
        assert funnel(world.clinic)[4].median_days == 1.0
    body = login(world["manager"]).get(reverse("intake_funnel")).content.decode()
    assert "Completed</th><td>1</td><td>1.0</td>" in body
