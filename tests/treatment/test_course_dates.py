"""A course cannot end before it began: not by the action, and not in the demo.

The demo's one patient whose treatment has ended (Vera, at the Harbour clinic) had a
course that began on the day the demo was seeded and ended ten days before: her path
read "Treatment started 06.12.2026, Treatment ended 26.11.2026", and the reports counted
a course of minus ten days. ``do_end_episode`` took any end date it was given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from tessera.core.models import AuditEvent, Episode
from tessera.portal.ending import do_end_episode


def test_an_end_before_the_start_is_refused_and_nothing_changes(world):
    started_on = Episode.objects.get(pk=world.episode.pk).started_on
    assert started_on is not None
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        do_end_episode(
            world.episode,
            acting_user=world["therapist"],
            reason="completed",
            ended_on=started_on - dt.timedelta(days=1),
        )
    assert "ended_on" in refused.value.message_dict
    assert "before it started" in refused.value.message_dict["ended_on"][0]
    episode = Episode.objects.get(pk=world.episode.pk)
    assert episode.status != Episode.Status.ENDED and episode.ended_on is None
    assert AuditEvent.objects.count() == events


def test_an_end_on_the_day_it_started_is_a_course_of_one_day(world):
    started_on = Episode.objects.get(pk=world.episode.pk).started_on
    ended = do_end_episode(
        world.episode, acting_user=world["therapist"], reason="completed", ended_on=started_on
    )
    assert ended.episode.ended_on == started_on


def test_no_course_in_the_demo_ends_before_it_began(seeded_demo):
    backwards = Episode.objects.filter(ended_on__lt=F("started_on"))
    assert not backwards.exists(), list(backwards.values_list("pk", "started_on", "ended_on"))
    ended = Episode.objects.filter(status=Episode.Status.ENDED, patient__user__isnull=False)
    assert ended.exists()  # the demo shows a patient after treatment
