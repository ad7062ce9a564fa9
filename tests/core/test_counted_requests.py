"""A query count around a request counts the page, whatever time the set-up took.

The idle clock writes the session at most once a minute (IdleTimeoutMiddleware), so a
test comparing two requests around a slow set-up (building sixty patients on a loaded
machine) used to count that write in the second one and fail now and then. Every query
count first marks the signed-in sessions as just seen (tests/conftest.py); these tests
move the clock past a minute between the two requests to prove it."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.middleware import IdleTimeoutMiddleware


def _session_writes(captured) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_a_count_after_more_than_a_minute_of_set_up_counts_the_same(world, login):
    client = login(world["patient"])
    client.get(reverse("my_details"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("my_details"))
    with time_machine.travel(time.time() + 95, tick=False):  # a slow set-up
        with CaptureQueriesContext(connection) as after:
            response = client.get(reverse("my_details"))
        assert response.status_code == 200
        assert _session_writes(after) == 0
        assert len(after) == len(before), (len(before), len(after))
        # The session was really seen at the moved time: not signed out, not stale.
        assert client.session[IdleTimeoutMiddleware.KEY] == int(time.time())


def test_pytest_djangos_count_marks_the_session_too(world, login, django_assert_num_queries):
    client = login(world["patient"])
    # The first request after signing in fills what is kept between requests (with
    # REDIS_URL: the session in the cache, the signed-in person, decision 0063), so it
    # reads more than the next one: count a warm request, as the test above does.
    client.get(reverse("my_details"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("my_details"))
    with time_machine.travel(time.time() + 3600 - 30, tick=False):  # nearly an hour idle
        with django_assert_num_queries(len(before)):
            assert client.get(reverse("my_details")).status_code == 200


def test_a_session_idle_past_its_limit_before_counting_is_still_signed_out(world, login):
    """The mark is for sessions the set-up kept busy, not a way round the idle limit:
    only the count's own start marks them, so an idle test still sees the sign-out."""
    client = login(world["patient"])
    with time_machine.travel(time.time() + 2 * 3600, tick=False):
        assert client.get(reverse("my_details")).status_code == 302


@pytest.mark.session_clock
def test_the_opt_out_counts_the_clocks_write(world, login):
    client = login(world["patient"])
    client.get(reverse("my_details"))
    with time_machine.travel(time.time() + 95, tick=False):
        with CaptureQueriesContext(connection) as after:
            client.get(reverse("my_details"))
    assert _session_writes(after) == 1
