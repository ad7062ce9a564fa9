"""The caseload's episodes are read once, by the caseload's own read, and their kept
activity and next questionnaires are ranges of their clinics' rows, the caseload's ids
only filtering them (decision 0108): by the episodes' keys each was a descent per
episode of an index a level deeper at 100,000 patients (the page read 474 → 570 pages
from 1,000 to 100,000 patients, 297 → 284 since). The rows show the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.appointments.actions import sessions
from tessera.appointments.models import Appointment
from tessera.core.models import User
from tessera.inbox import caseload, scope
from tessera.inbox.scope import Choice
from tessera.treatment.models import DueMeasure, EpisodeActivity
from tests.conftest import sign_in
from tests.inbox.inbox_world import caseload as build_caseload
from tests.inbox.inbox_world import manual_programme

pytestmark = pytest.mark.django_db

# The page's queries as decision 0108 left them (as many as before it: the episodes'
# second read by their keys gone, their kept activity read apart; the questionnaires
# and sessions due one read, their programmes one), a therapist's own and a team's (by
# its default, most alerts first, ordered and paged in the database: the pager's count
# and the flags' counts two more, decision 0153;
# tests/inbox/test_caseload_sorted_in_database.py).
# A therapist's own caseload one more: the leave they cover today (decision 0160's
# follow-up).
PAGE_QUERIES = {
    ("sqlite", ""): 23,
    ("sqlite", "?therapist=all"): 25,
    ("postgresql", ""): 19,
    ("postgresql", "?therapist=all"): 21,
}


@pytest.mark.parametrize("whose", ["", "?therapist=all"])
def test_the_caseload_reads_its_episodes_once_and_their_activity_and_dues_by_clinic(
    world, client, whose, read_from_database
):
    programme = manual_programme(world.region)
    build_caseload(world, world["therapist"], programme, 3)
    sign_in(client, world["supervisor"] if whose else world["therapist"])
    url = reverse("caseload") + whose
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) >= 3
    reads = [q["sql"] for q in captured.captured_queries]
    # The episodes: the caseload's own read only, not again by their keys.
    episodes = [sql for sql in reads if sql.startswith('SELECT "treatment_episode".')]
    assert len(episodes) == 1, episodes
    assert not [sql for sql in reads if 'JOIN "treatment_episodeactivity"' in sql]
    # Their kept activity and their open questionnaires: their clinics' ranges.
    kept = [sql for sql in reads if 'FROM "treatment_episodeactivity"' in sql]
    assert len(kept) == 1 and '"treatment_episodeactivity"."clinic_id"' in kept[0], kept
    due = [sql for sql in reads if '"appointments_appointment"' in sql]
    assert len(due) == 1 and '"treatment_duemeasure"."clinic_id"' in due[0], due
    assert len(reads) == PAGE_QUERIES[(connection.vendor, whose)], [sql[:100] for sql in reads]


def test_the_rows_show_each_episodes_own_activity_and_next_due(world):
    """The nearest of the open questionnaires (not expired, not done, not cancelled) and
    the booked sessions to come, a questionnaire before a session at the same moment; the
    kept activity; a programme's title; as read of each episode on its own."""
    therapist = world["therapist"]
    programme = manual_programme(world.region)
    cases = build_caseload(world, therapist, programme, 4)
    now = timezone.now()
    soon = now + dt.timedelta(days=2)
    (_p1, first, _a1), (_p2, second, _a2), (_p3, third, _a3), (_p4, fourth, _a4) = cases
    # The first: a session sooner than any questionnaire.
    DueMeasure.objects.filter(episode=first).update(due_at=soon + dt.timedelta(days=1))
    sessions.do_book_appointment(
        first,
        acting_user=therapist,
        therapist=therapist,
        kind="video",
        starts_at=soon,
        video_link="https://video.example/room",
    )
    # The second: a session at the very moment its next questionnaire is due.
    nearest = (
        DueMeasure.objects.filter(episode=second, expires_at__gt=now)
        .pending()
        .order_by("due_at")
        .first()
    )
    DueMeasure.objects.filter(pk=nearest.pk).update(
        due_at=soon, expires_at=soon + dt.timedelta(days=7)
    )
    DueMeasure.objects.filter(episode=second).exclude(pk=nearest.pk).update(cancelled=True)
    sessions.do_book_appointment(
        second, acting_user=therapist, therapist=therapist, kind="phone", starts_at=soon
    )
    # The third: every questionnaire done, expired or cancelled; no session.
    DueMeasure.objects.filter(episode=third).update(expires_at=now - dt.timedelta(hours=1))
    # The fourth: its kept activity gone (none recorded).
    EpisodeActivity.objects.filter(episode=fourth).delete()
    user = User.objects.get(pk=therapist.pk)
    rows = {
        row.episode.pk: row
        for row in caseload.rows(scope.CaseloadRead(user, Choice(user, team=False)), now)
    }
    assert set(rows) >= {first.pk, second.pk, third.pk, fourth.pk}
    for pk, row in rows.items():
        shown = row.next_due
        shown = (shown.what, shown.at, shown.is_session) if shown is not None else None
        assert shown == _next_due(pk, now), pk
        kept = EpisodeActivity.objects.filter(episode_id=pk).first()
        assert row.last_activity == (kept.at if kept else None), pk
        if pk in {first.pk, second.pk, third.pk, fourth.pk}:
            assert row.episode.programme_version.title == "Manual programme"
    assert rows[first.pk].next_due.is_session and rows[first.pk].next_due.at == soon
    assert (
        rows[second.pk].next_due.what == nearest.instrument and rows[second.pk].next_due.at == soon
    )
    assert rows[third.pk].next_due is None
    assert rows[fourth.pk].last_activity is None


def _next_due(episode_id, now):
    """The episode's nearest questionnaire or session, read of it alone."""
    due = (
        DueMeasure.objects.filter(episode_id=episode_id, expires_at__gt=now)
        .pending()
        .order_by("due_at", "id")
        .first()
    )
    booked = (
        Appointment.objects.filter(
            episode_id=episode_id, status=Appointment.Status.BOOKED, starts_at__gte=now
        )
        .order_by("starts_at", "id")
        .first()
    )
    if booked is not None and (due is None or booked.starts_at < due.due_at):
        return (str(booked.get_kind_display()), booked.starts_at, True)
    return (due.instrument, due.due_at, False) if due else None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_next_questionnaires_are_the_clinics_range_of_open_ones(world):
    """Read from ``due_open_by_clinic`` (the clinic's open questionnaires, with every
    column read), the episodes' ids only filtering it: not one descent per episode of
    the dues by episode (76 → 108 pages from 1,000 to 100,000 patients)."""
    from tests.core.test_scale import explain

    programme = manual_programme(world.region)
    cases = build_caseload(world, world["therapist"], programme, 3)
    query = caseload._next_rows([c[1].pk for c in cases], [world.clinic.pk], timezone.now())
    sql, params = query.query.sql_with_params()
    plan = explain(sql, params)
    dues = [line for line in plan.splitlines() if " on treatment_duemeasure" in line]
    assert dues and all("due_open_by_clinic" in line for line in dues), plan
