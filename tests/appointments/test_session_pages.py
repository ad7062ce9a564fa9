"""An episode's sessions page is paged, the latest first (decision 0140).

The staff page listed every session of the course on one page, each with its record
and cancel forms: weekly sessions of blended care for years. Now one page, a link to the
next, and the same queries for three pages of sessions as for one. Each test fails on
the old page (no pages, the oldest session first)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.appointments import views as session_views
from tessera.appointments.models import Appointment
from tests.paging import next_page, queries_of_a_full_page

PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(session_views, "SESSIONS_PER_PAGE", PER_PAGE, raising=False)


def _sessions(world, n: int) -> None:
    start = timezone.now() - dt.timedelta(days=700)
    already = Appointment.objects.filter(episode=world.episode).count()
    for i in range(already, already + n):
        Appointment.objects.create(
            episode=world.episode,
            therapist=world["therapist"],
            kind=Appointment.Kind.VIDEO,
            starts_at=start + dt.timedelta(days=7 * i),
            status=Appointment.Status.ATTENDED,
            booked_by=world["therapist"],
        )


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<textarea id="note-(\d+)"', page)]


def test_the_sessions_show_one_page_latest_first_and_the_next(world, login, small_pages):
    _sessions(world, 2 * PER_PAGE + 1)
    newest = list(
        Appointment.objects.filter(episode=world.episode)
        .order_by("-starts_at", "-id")
        .values_list("pk", flat=True)
    )
    client = login(world["therapist"])
    url = reverse("episode_sessions", args=[world.episode.pk])
    first = client.get(url).content.decode()
    assert _shown(first) == newest[:PER_PAGE]
    assert "Page 1 of 3" in first and 'aria-label="Pages"' in first
    following = next_page(first)
    second = client.get(url + following).content.decode()
    assert _shown(second) == newest[PER_PAGE : 2 * PER_PAGE]


def test_the_sessions_read_the_same_queries_for_one_page_or_three(world, login, small_pages):
    client = login(world["therapist"])
    url = reverse("episode_sessions", args=[world.episode.pk])
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _shown, PER_PAGE)

    _sessions(world, PER_PAGE)
    one_page = count()
    _sessions(world, 2 * PER_PAGE)
    assert count() == one_page
