"""The patient's own "My sessions" pages its past sessions, the latest first, below the
coming ones, soonest first (decisions 0140, 0147).

The page listed every session of the course, oldest first, so that the next one was at
the bottom of a year of weekly sessions. Now the coming ones lead the first page, the
past ones follow a page at a time, and the page reads the same queries for three pages
of past sessions as for one. Each test fails on the old page (no pages, oldest first)."""

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
    monkeypatch.setattr(session_views, "MY_PAST_SESSIONS_PER_PAGE", PER_PAGE, raising=False)


def _sessions(world, n: int, *, days_from_now: int = -700, status=Appointment.Status.ATTENDED):
    start = timezone.now() + dt.timedelta(days=days_from_now)
    made = []
    for i in range(n):
        made.append(
            Appointment.objects.create(
                episode=world.episode,
                therapist=world["therapist"],
                kind=Appointment.Kind.VIDEO,
                starts_at=start + dt.timedelta(days=7 * i, minutes=Appointment.objects.count()),
                status=status,
                booked_by=world["therapist"],
            ).pk
        )
    return made


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="card" id="session-(\d+)"', page)]


def test_the_coming_sessions_lead_then_the_past_ones_a_page_at_a_time(world, login, small_pages):
    Appointment.objects.filter(episode=world.episode).delete()
    coming = _sessions(world, 2, days_from_now=2, status=Appointment.Status.BOOKED)
    _sessions(world, 2 * PER_PAGE + 1)
    past = list(
        Appointment.objects.filter(episode=world.episode)
        .exclude(pk__in=coming)
        .order_by("-starts_at", "-id")
        .values_list("pk", flat=True)
    )
    client = login(world.patient.user)
    url = reverse("my_sessions")
    first = client.get(url).content.decode()
    assert _shown(first) == coming + past[:PER_PAGE]
    assert "Page 1 of 3" in first and 'aria-label="Pages"' in first
    second = client.get(url + next_page(first)).content.decode()
    assert _shown(second) == past[PER_PAGE : 2 * PER_PAGE]
    third = client.get(url + next_page(second)).content.decode()
    assert _shown(third) == past[2 * PER_PAGE :]


def test_my_sessions_read_the_same_queries_for_one_page_or_three(world, login, small_pages):
    Appointment.objects.filter(episode=world.episode).delete()
    _sessions(world, 1, days_from_now=2, status=Appointment.Status.BOOKED)
    client = login(world.patient.user)
    url = reverse("my_sessions")
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _shown, PER_PAGE + 1)

    _sessions(world, PER_PAGE)
    one_page = count()
    _sessions(world, 2 * PER_PAGE, days_from_now=-2000)
    assert count() == one_page
