"""The caseload page: a row per patient with programme and week, scores with trend and
reliable change, last activity, alerts, next due and reply due; sorted and filtered on
the server; a constant number of queries for 6 and 60 patients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent, User
from tessera.inbox import caseload, scope
from tessera.inbox.scope import Choice
from tests.conftest import make_patient, sign_in
from tests.inbox.inbox_world import caseload as build_caseload
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(world, world["therapist"], programme, 1, start=start)


def test_a_row_has_programme_week_scores_trend_change_activity_alerts_and_reply(world, full):
    patient, episode, _answer = full
    user = User.objects.get(pk=world["therapist"].pk)
    found = caseload.rows(scope.caseload(user, Choice(user, team=False)), timezone.now())
    row = next(r for r in found if r.episode.pk == episode.pk)
    assert row.week == 5  # started 30 days ago
    assert row.episode.programme_version.title == "Manual programme"
    (phq,) = row.scores
    assert (phq.code, phq.total, phq.previous, phq.baseline) == ("PHQ-9", 18, 0, 0)
    assert phq.trend == caseload.UP and phq.change == "deteriorated"
    assert row.deteriorated and row.alerts == 1 and row.alert_href
    assert row.replies == 2 and row.reply_due is not None
    assert row.last_activity is not None and row.inactive
    assert row.next_due is not None  # the next weekly PHQ-9
    assert not row.needs_new_therapist


def test_the_page_sorts_filters_and_announces_the_sort(world, full, client):
    patient, episode, _answer = full
    quiet_patient, quiet = make_patient(
        world.clinic, "quiet@caseload.test", therapist=world["therapist"], first="Quinn"
    )
    sign_in(client, world["therapist"])
    response = client.get(reverse("caseload") + "?sort=patient")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in html and "sorted by Patient, ascending" in html
    assert f'id="caseload-{episode.pk}"' in html and f'id="caseload-{quiet.pk}"' in html
    assert 'data-change="deteriorated"' in html and "↑" in html
    assert "1 open alert" in html

    alerts = client.get(reverse("caseload") + "?flag=alerts").content.decode()
    assert f'id="caseload-{episode.pk}"' in alerts and f'id="caseload-{quiet.pk}"' not in alerts
    named = client.get(reverse("caseload") + "?q=quinn").content.decode()
    assert f'id="caseload-{quiet.pk}"' in named and f'id="caseload-{episode.pk}"' not in named
    desc = client.get(reverse("caseload") + "?sort=-alerts").content.decode()
    assert 'aria-sort="descending"' in desc
    assert desc.index(f"caseload-{episode.pk}") < desc.index(f"caseload-{quiet.pk}")
    asc = client.get(reverse("caseload") + "?sort=alerts").content.decode()
    assert asc.index(f"caseload-{quiet.pk}") < asc.index(f"caseload-{episode.pk}")
    event = AuditEvent.objects.filter(action="caseload.viewed").latest("id")
    assert quiet_patient.pk in event.changes["patients"]


def test_an_unknown_sort_or_flag_falls_back(world, full, client):
    sign_in(client, world["therapist"])
    response = client.get(reverse("caseload") + "?sort=evil&flag=nope")
    assert response.status_code == 200
    assert response.context["sort"] == "alerts" and response.context["flag"] == ""


def test_the_menu_links_the_caseload_for_the_care_team_only(world, client):
    for kind, has in [("therapist", True), ("supervisor", True), ("intake", False)]:
        sign_in(client, world[kind])
        nav = client.get(reverse("home")).context["nav"]
        assert (reverse("caseload") in [href for href, _label in nav]) == has, kind


def test_a_patient_whose_therapist_left_needs_a_new_therapist(world, full, client):
    patient, episode, _answer = full
    User.objects.filter(pk=world["therapist"].pk).update(is_active=False)
    sign_in(client, world["manager"])
    html = client.get(reverse("caseload") + "?therapist=all&flag=new_therapist").content.decode()
    assert f'id="caseload-{episode.pk}"' in html and "Needs a new therapist" in html


def test_the_page_costs_the_same_for_6_and_60_patients(world, client, read_from_database):
    therapist = world["therapist"]
    programme = manual_programme(world.region)
    build_caseload(world, therapist, programme, 6)
    sign_in(client, therapist)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("caseload"))
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    small, shown = count()
    assert shown >= 6
    build_caseload(world, therapist, programme, 54)
    large, shown = count()
    assert shown >= 60
    assert large == small, (small, large)


def test_the_team_caseload_costs_the_same_for_small_and_large_teams(
    world, client, read_from_database
):
    programme = manual_programme(world.region)
    build_caseload(world, world["therapist"], programme, 2)
    sign_in(client, world["supervisor"])
    url = reverse("caseload") + "?therapist=all"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    small = len(captured)
    build_caseload(world, world["colleague"], programme, 12)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == small


@pytest.mark.parametrize("whose", ["", "?therapist=all"])
def test_the_rows_episodes_join_no_user_patient_or_clinic(world, client, whose):
    """The rows' episodes are read without their therapist, patient and clinic joined:
    the planner read the country's users and clinics whole for them, and each patient by
    its key (44 + 3 + 96 pages at 100,000 patients against 3 + 1 + 15 at 1,000; issue
    16). The clinics are read apart, the therapists come from the page's own list of the
    team, the patient's name is the episode's copy; the rows show the same."""
    programme = manual_programme(world.region)
    build_caseload(world, world["therapist"], programme, 3)
    sign_in(client, world["supervisor"] if whose else world["therapist"])
    url = reverse("caseload") + whose
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    episodes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "treatment_episode"."id"')
        and '"treatment_episode"."patient_first_name"' in q["sql"]
    ]
    assert len(episodes) == 1, [q["sql"] for q in captured.captured_queries]
    for table in ("core_user", "core_patient", "core_clinic"):
        assert f'JOIN "{table}"' not in episodes[0], table
    # The therapists are the page's own (the user, the team's list): no user read by id list.
    assert not [
        q
        for q in captured.captured_queries
        if 'FROM "core_user" WHERE "core_user"."id" IN' in q["sql"]
    ]
    rows = response.context["rows"]
    assert len(rows) >= 3
    for row in rows:
        assert (
            str(row.patient) == f"{row.episode.patient.first_name} {row.episode.patient.last_name}"
        )
        assert row.episode.therapist.pk == row.episode.therapist_id
        assert row.episode.clinic.pk == row.episode.clinic_id
