"""The worklist reads the caseload once and every row shares its episode objects (issue
16): the rows are the same whether a collector gets the loaded caseload or bare ids, a
reply's time left is the same as ``timing.due`` asked directly, the staff home (counts
only) never works it out, and the URLs filled into a pattern are the reversed ones."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import User
from tessera.inbox import activity, collect, items, scope, timing, worklist
from tessera.inbox.scope import Choice
from tests.inbox.inbox_world import caseload, manual_programme

pytestmark = pytest.mark.django_db


def _row(item):
    return (item.kind, item.episode.pk, item.reason, item.href, item.action, item.at, item.key)


@pytest.fixture
def therapist(world):
    therapist = world["therapist"]
    caseload(world, therapist, manual_programme(world.region), 4)
    return User.objects.get(pk=therapist.pk)


def test_every_collector_gives_the_same_rows_from_ids_and_from_the_loaded_caseload(therapist):
    now = timezone.now()
    episodes = scope.caseload(therapist, Choice(therapist, team=False))
    ids = list(episodes.values_list("pk", flat=True))
    loaded = collect.loaded(ids)
    assert sorted(loaded) == sorted(ids)
    kinds = set()
    for collector in worklist.COLLECTORS:
        from_ids = [_row(item) for item in collector(ids, now)]
        from_loaded = collector(loaded, now)
        assert from_ids == [_row(item) for item in from_loaded]
        # Each row points at the caseload's own episode object, with patient and clinic.
        assert all(item.episode is loaded[item.episode.pk] for item in from_loaded)
        kinds |= {item.kind for item in from_loaded}
    assert kinds == {kind for kind, _label in items.KINDS}
    assert activity.deteriorations(ids, now)  # the test world has a deterioration


def test_a_reply_rows_time_left_is_timing_due_asked_directly(therapist):
    now = timezone.now()
    work = worklist.build(scope.caseload(therapist, Choice(therapist, team=False)), now)
    replies = work.of_kind(items.REPLY)
    assert replies
    for item in replies:
        assert item.due == timing.due(item.episode.clinic, item.at, now)
    assert all(item.due is None for item in work.items if item.kind != items.REPLY)


def test_the_staff_home_counts_the_rows_without_working_out_times_left(therapist, client):
    from tests.conftest import sign_in

    sign_in(client, therapist)
    with mock.patch.object(timing, "due", side_effect=AssertionError("not needed")) as due:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert due.call_count == 0
    assert "Waiting for a reply" in response.content.decode()
    with mock.patch.object(timing, "due", wraps=timing.due) as due:
        response = client.get(reverse("inbox"))
    assert response.status_code == 200
    assert due.call_count > 0


@pytest.mark.parametrize(
    ("name", "kwarg"),
    [
        ("risk_alert", "pk"),
        ("episode_overview", "episode_id"),
        ("episode_messages", "episode_id"),
        ("patient_measures", "pk"),
        ("plan", "pk"),
    ],
)
@pytest.mark.parametrize("value", [1, 7, 42, 2147483646, 10**12])
def test_a_url_filled_into_its_pattern_is_the_reversed_one(name, kwarg, value):
    assert items.url_with_id(name, kwarg, value) == reverse(name, kwargs={kwarg: value})
