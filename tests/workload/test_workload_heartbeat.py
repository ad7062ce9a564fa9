"""Active time: heartbeats from an open page add the time between them, capped."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.workload.actions import do_heartbeat
from tessera.workload.models import TimeEntry

UTC = dt.UTC
# A Tuesday, 09:00 in Stockholm (UTC+1 in November).
T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def beats(episode, user, offsets):
    credited = []
    for seconds in offsets:
        credited.append(
            do_heartbeat(episode, acting_user=user, now=T0 + dt.timedelta(seconds=seconds))
        )
    return credited


def active_seconds(user, episode) -> int:
    return sum(
        TimeEntry.objects.filter(user=user, episode=episode).values_list("seconds", flat=True)
    )


def test_the_first_heartbeat_starts_the_clock_and_later_ones_add_the_interval(world):
    credited = beats(world.episode, world["therapist"], [0, 30, 60, 90])
    assert credited == [0, 30, 30, 30]
    row = TimeEntry.objects.get(user=world["therapist"], episode=world.episode)
    assert (row.seconds, row.source, row.day) == (90, "active", dt.date(2026, 11, 24))


def test_an_interval_is_capped_at_sixty_seconds(world):
    assert beats(world.episode, world["therapist"], [0, 80]) == [0, 60]


def test_a_long_gap_is_a_pause_and_adds_nothing(world):
    assert beats(world.episode, world["therapist"], [0, 30, 30 + 600, 30 + 630]) == [0, 30, 0, 30]
    assert active_seconds(world["therapist"], world.episode) == 60


def test_two_tabs_share_one_clock(world):
    # Tab A beats at 0, 30, 60; tab B at 15, 45, 75: 75 seconds pass, 75 are counted.
    credited = beats(world.episode, world["therapist"], [0, 15, 30, 45, 60, 75])
    assert sum(credited) == 75


def test_a_heartbeat_arriving_twice_or_late_adds_nothing(world):
    assert beats(world.episode, world["therapist"], [0, 30, 30, 20]) == [0, 30, 0, 0]
    row = TimeEntry.objects.get(user=world["therapist"], episode=world.episode)
    assert row.last_beat_at == T0 + dt.timedelta(seconds=30)


def test_each_staff_member_and_episode_has_its_own_clock(world):
    beats(world.episode, world["therapist"], [0, 30])
    beats(world.episode, world["supervisor"], [10, 40, 70])
    assert active_seconds(world["therapist"], world.episode) == 30
    assert active_seconds(world["supervisor"], world.episode) == 60


def test_time_after_local_midnight_goes_to_the_new_day(world):
    # 22:59:40 UTC is 23:59:40 in Stockholm; 30 seconds later it is the next day there.
    late = dt.datetime(2026, 11, 24, 22, 59, 40, tzinfo=UTC)
    do_heartbeat(world.episode, acting_user=world["therapist"], now=late)
    assert (
        do_heartbeat(
            world.episode, acting_user=world["therapist"], now=late + dt.timedelta(seconds=30)
        )
        == 30
    )
    days = dict(TimeEntry.objects.values_list("day", "seconds"))
    assert days == {dt.date(2026, 11, 24): 0, dt.date(2026, 11, 25): 30}


def test_tracking_is_audited_once_a_day(world):
    beats(world.episode, world["therapist"], [0, 30, 60])
    events = AuditEvent.objects.filter(action="time.tracking_started")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.patient, event.clinic) == (
        world["therapist"],
        world.patient,
        world.clinic,
    )


def test_the_heartbeat_view_answers_no_content_and_counts(world, login):
    client = login(world["therapist"])
    url = reverse("time_heartbeat", args=[world.episode.pk])
    with time_machine.travel(T0, tick=False):
        assert client.post(url).status_code == 204
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert client.post(url).status_code == 204
    assert active_seconds(world["therapist"], world.episode) == 30


def test_the_heartbeat_view_is_post_only(world, login):
    client = login(world["therapist"])
    assert client.get(reverse("time_heartbeat", args=[world.episode.pk])).status_code == 405


@pytest.mark.parametrize("kind", ["colleague", "other_therapist", "author", "patient"])
def test_staff_who_may_not_see_the_episode_and_patients_get_404(world, login, kind):
    client = login(world[kind])
    response = client.post(reverse("time_heartbeat", args=[world.episode.pk]))
    assert response.status_code == 404
    assert not TimeEntry.objects.exists()


def test_a_heartbeat_runs_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world["therapist"])
    url = reverse("time_heartbeat", args=[world.episode.pk])
    client.post(url)
    with django_assert_max_num_queries(14):
        client.post(url)
