"""Time added or corrected by hand: a reason is required, measured rows are kept."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.workload.actions import do_add_manual_time, do_heartbeat
from tessera.workload.clock import local_day
from tessera.workload.models import TimeEntry


@pytest.fixture(autouse=True)
def midday():
    """Measured time goes back a few minutes: keep it away from the local midnight."""
    with time_machine.travel(dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


def today(world):
    return local_day(world.clinic, timezone.now())


def measure(world, user, seconds: int):
    now = timezone.now() - dt.timedelta(seconds=seconds)
    do_heartbeat(world.episode, acting_user=user, now=now)
    while seconds > 0:
        step = min(30, seconds)
        now += dt.timedelta(seconds=step)
        seconds -= step
        do_heartbeat(world.episode, acting_user=user, now=now)


def test_a_correction_is_its_own_row_and_the_measured_one_is_kept(world):
    measure(world, world["therapist"], 600)
    entry = do_add_manual_time(
        world.episode,
        acting_user=world["therapist"],
        staff_member=world["therapist"],
        day=today(world),
        minutes=-4,
        reason="Page left open during a meeting",
    )
    rows = dict(TimeEntry.objects.values_list("source", "seconds"))
    assert rows == {"active": 600, "manual": -240}
    assert (entry.created_by, entry.reason) == (
        world["therapist"],
        "Page left open during a meeting",
    )
    event = AuditEvent.objects.get(action="time.corrected")
    assert (event.actor, event.patient, event.changes["minutes"]) == (
        world["therapist"],
        world.patient,
        -4,
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(world, reason):
    with pytest.raises(ValidationError) as error:
        do_add_manual_time(
            world.episode,
            acting_user=world["therapist"],
            staff_member=world["therapist"],
            day=today(world),
            minutes=10,
            reason=reason,
        )
    assert "reason" in error.value.message_dict
    assert not TimeEntry.objects.exists()


def test_a_correction_cannot_take_away_more_than_was_recorded(world):
    measure(world, world["therapist"], 120)
    with pytest.raises(ValidationError) as error:
        do_add_manual_time(
            world.episode,
            acting_user=world["therapist"],
            staff_member=world["therapist"],
            day=today(world),
            minutes=-3,
            reason="too much",
        )
    assert "minutes" in error.value.message_dict


def test_the_same_form_sent_twice_adds_its_time_once(world):
    key = uuid.uuid4()
    for _ in range(2):
        do_add_manual_time(
            world.episode,
            acting_user=world["therapist"],
            staff_member=world["therapist"],
            day=today(world),
            minutes=15,
            reason="Phone call",
            submission_key=key,
        )
    assert TimeEntry.objects.count() == 1


def test_the_same_time_sent_again_from_a_fresh_page_is_added_once(world, client, login):
    """Found at the edges: back to the time page and the same correction sent again (a
    fresh page, a new key) added the time twice."""
    login(world["therapist"])
    url = reverse("episode_time", kwargs={"pk": world.episode.pk})
    data = {"day": today(world).isoformat(), "minutes": "15", "reason": "Phone call"}
    client.post(url, data | {"submission_key": str(uuid.uuid4())})
    again = client.post(url, data | {"submission_key": str(uuid.uuid4())}, follow=True)
    assert TimeEntry.objects.filter(source="manual").count() == 1
    body = again.content.decode()
    assert "This time was already recorded. Nothing was recorded twice." in body
    client.post(url, data | {"reason": "Second call", "submission_key": str(uuid.uuid4())})
    assert TimeEntry.objects.filter(source="manual").count() == 2


def test_a_manager_corrects_a_therapists_time_but_a_colleague_may_not(world):
    do_add_manual_time(
        world.episode,
        acting_user=world["manager"],
        staff_member=world["therapist"],
        day=today(world),
        minutes=20,
        reason="Phone call the therapist could not record",
    )
    assert AuditEvent.objects.get(action="time.corrected").purpose == "administration"
    with pytest.raises(PermissionDenied):
        do_add_manual_time(
            world.episode,
            acting_user=world["colleague"],
            staff_member=world["colleague"],
            day=today(world),
            minutes=20,
            reason="not my patient",
        )


def test_the_page_shows_the_form_and_records_time(world, login):
    client = login(world["therapist"])
    url = reverse("episode_time", args=[world.episode.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="time.viewed", patient=world.patient).exists()
    key = str(uuid.uuid4())
    data = {
        "day": today(world).isoformat(),
        "minutes": "25",
        "reason": "Call",
        "submission_key": key,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert TimeEntry.objects.get().seconds == 25 * 60
    follow = client.get(url)
    assert b"Call" in follow.content


def test_the_page_keeps_what_was_typed_when_the_reason_is_missing(world, login):
    client = login(world["therapist"])
    url = reverse("episode_time", args=[world.episode.pk])
    data = {
        "day": today(world).isoformat(),
        "minutes": "25",
        "reason": "",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "reason" in form.errors
    assert b'value="25"' in response.content
    assert not TimeEntry.objects.exists()


def test_the_page_rejects_a_day_in_the_future_beside_the_field(world, login):
    client = login(world["therapist"])
    url = reverse("episode_time", args=[world.episode.pk])
    future = today(world) + dt.timedelta(days=2)
    data = {
        "day": future.isoformat(),
        "minutes": "5",
        "reason": "x",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "day" in response.context["form"].errors


def test_a_manager_chooses_whose_time(world, login):
    client = login(world["manager"])
    url = reverse("episode_time", args=[world.episode.pk])
    data = {
        "staff_member": str(world["therapist"].pk),
        "day": today(world).isoformat(),
        "minutes": "10",
        "reason": "Call",
        "submission_key": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.created_by) == (world["therapist"], world["manager"])


def test_a_therapist_cannot_record_time_for_someone_else(world, login):
    client = login(world["therapist"])
    url = reverse("episode_time", args=[world.episode.pk])
    data = {
        "staff_member": str(world["manager"].pk),
        "day": today(world).isoformat(),
        "minutes": "10",
        "reason": "Call",
        "submission_key": str(uuid.uuid4()),
    }
    client.post(url, data)
    assert TimeEntry.objects.get().user == world["therapist"]


def test_the_time_page_is_404_for_episodes_not_visible(world, login):
    client = login(world["colleague"])
    assert client.get(reverse("episode_time", args=[world.episode.pk])).status_code == 404


def test_the_corrections_list_runs_constant_queries(
    world, login, django_assert_max_num_queries, read_from_database
):
    client = login(world["therapist"])
    url = reverse("episode_time", args=[world.episode.pk])
    counts = []
    for n in (1, 15):
        for _ in range(n):
            do_add_manual_time(
                world.episode,
                acting_user=world["manager"],
                staff_member=world["therapist"],
                day=today(world) - dt.timedelta(days=1),
                minutes=1,
                reason="r",
            )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(url)
