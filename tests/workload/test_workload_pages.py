"""The workload pages, the menu entry, the tracking tag and the overview section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core import actions
from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tessera.portal import contributions
from tessera.workload.models import TimeEntry
from tests.conftest import make_patient, make_user


def test_a_therapist_sees_their_own_weeks(world, login):
    ClinicRole.objects.filter(user=world["therapist"], role="therapist").update(weekly_hours=1)
    today = dt.date.today()
    TimeEntry.objects.create(
        user=world["therapist"], episode=world.episode, day=today, seconds=3600, source="manual"
    )
    page = login(world["therapist"]).get(reverse("my_workload"))
    assert page.status_code == 200
    assert len(page.context["mine"]) == 1
    assert len(page.context["mine"][0].weeks) == 9
    assert b"above 50 %" in page.content
    assert b"Teams" not in page.content


def test_a_manager_gets_links_to_team_pages(world, login):
    page = login(world["manager"]).get(reverse("my_workload"))
    assert page.status_code == 200
    assert reverse("team_workload", args=["alpha"]).encode() in page.content


def test_the_team_page_lists_every_therapist_of_the_clinic(world, login):
    page = login(world["supervisor"]).get(reverse("team_workload", args=["alpha"]))
    names = [therapist.pk for therapist, _w, _weeks, _leave in page.context["rows"]]
    assert sorted(names) == sorted([world["therapist"].pk, world["colleague"].pk])


def test_the_team_page_shows_an_earlier_week(world, login):
    client = login(world["manager"])
    page = client.get(reverse("team_workload", args=["alpha"]), {"week": "3"})
    assert page.context["offset"] == 3
    bad = client.get(reverse("team_workload", args=["alpha"]), {"week": "x"})
    assert bad.context["offset"] == 0


@pytest.mark.parametrize("kind", ["therapist", "other_manager", "intake"])
def test_the_team_page_is_404_outside_the_users_clinics(world, login, kind):
    page = login(world[kind]).get(reverse("team_workload", args=["alpha"]))
    assert page.status_code == 404


def _therapists(world, n):
    for i in range(n):
        user = make_user(f"t{n}-{i}@alpha.test", second_factor=True, last_name=f"T{i}")
        actions.do_grant_role(user, world.clinic, Role.THERAPIST)
        _, episode = make_patient(world.clinic, f"tp{n}-{i}@alpha.test", therapist=user)
        TimeEntry.objects.create(
            user=user, episode=episode, day=dt.date.today(), seconds=600, source="manual"
        )


def test_the_team_page_runs_constant_queries(world, login, read_from_database):
    client = login(world["manager"])
    url = reverse("team_workload", args=["alpha"])
    counts = []
    for n in (1, 8):
        _therapists(world, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_my_workload_runs_constant_queries(world, login, django_assert_max_num_queries):
    client = login(world["therapist"])
    url = reverse("my_workload")
    client.get(url)
    for i in range(10):
        _, episode = make_patient(world.clinic, f"m{i}@alpha.test", therapist=world["therapist"])
        TimeEntry.objects.create(
            user=world["therapist"],
            episode=episode,
            day=dt.date.today(),
            seconds=60,
            source="manual",
        )
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("kind", "shown"),
    [("therapist", True), ("manager", True), ("supervisor", True), ("intake", False)],
)
def test_the_menu_has_a_workload_entry_for_the_right_roles(world, login, kind, shown):
    page = login(world[kind]).get(reverse("home"))
    assert (f'href="{reverse("my_workload")}"'.encode() in page.content) is shown


def test_the_plan_page_carries_the_tracking_marker(world, login):
    from tests.plan_fixtures import build_plan

    build_plan(world)
    page = login(world["therapist"]).get(reverse("plan", args=[world.patient.pk]))
    heartbeat = reverse("time_heartbeat", args=[world.episode.pk])
    assert f'data-time-tracking="{heartbeat}"'.encode() in page.content
    assert b"workload/time_tracking.js" in page.content


@pytest.mark.parametrize("name", ["patient_detail", "patient_measures"])
def test_patient_pages_track_the_patients_open_episode(world, login, name):
    page = login(world["manager"]).get(reverse(name, args=[world.patient.pk]))
    heartbeat = reverse("time_heartbeat", args=[world.episode.pk])
    assert f'data-time-tracking="{heartbeat}"'.encode() in page.content


def test_patients_pages_carry_no_marker(world, login):
    page = login(world["patient"]).get(reverse("my_progress"))
    assert b"data-time-tracking" not in page.content


def test_the_overview_section_shows_time_per_staff_member(world, django_assert_num_queries):
    today = dt.date.today()
    old = today - dt.timedelta(days=30)
    for user, day, seconds in [
        (world["therapist"], today, 600),
        (world["therapist"], old, 1200),
        (world["supervisor"], old, 300),
    ]:
        TimeEntry.objects.create(
            user=user, episode=world.episode, day=day, seconds=seconds, source="manual"
        )
    section = {s.key: s for s in contributions.overview_sections()}["time"]
    request = RequestFactory().get("/")
    request.user = world["therapist"]
    with django_assert_num_queries(1):
        context = section.load(request, world.episode)
    rows = [(s.week_minutes, s.total_minutes) for s in context["per_staff"]]
    assert rows == [(10, 30), (0, 5)]


def test_the_team_page_says_which_week_it_shows(world, login):
    """Issue 20: it said "Week starting ." with the date missing."""
    client = login(world["manager"])
    page = client.get(reverse("team_workload", args=["alpha"]), {"week": "1"})
    monday = page.context["week"]
    assert f"Week starting {monday:%Y-%m-%d}." in page.content.decode()
