"""The patient's last activity kept per episode (``EpisodeActivity``, treatment 0015;
issue 16): the kept row always equals the newest activity rebuilt from scratch from the
rows that count (``inbox.activity.with_last_activity``), whatever wrote them, and the
inbox reads it in one query."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.models import Episode
from tessera.inbox import activity
from tessera.messaging.models import Message
from tessera.treatment.models import EpisodeActivity, PlanEntry
from tests.inbox.inbox_world import full_patient, manual_programme, message

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tessera.treatment.migrations.0015_episode_activity")


def _rebuilt() -> dict[int, tuple]:
    """The newest activity of every episode from the source rows (the definition)."""
    found = {}
    for episode in activity.with_last_activity(Episode.objects.all()):
        moment, source = activity._newest_of(
            {name: getattr(episode, name) for name in activity.SOURCES}
        )
        if moment is not None:
            found[episode.pk] = (moment, source)
    return found


def _kept() -> dict[int, tuple]:
    return {row.episode_id: (row.at, row.source) for row in EpisodeActivity.objects.all()}


def _fill_from_scratch() -> None:
    EpisodeActivity.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)


def test_the_demo_keeps_what_rebuilding_from_scratch_gives(seeded_demo):
    kept = _kept()
    assert len(kept) > 10
    assert kept == _rebuilt()
    # The migration's fill, run from scratch, gives the same rows.
    _fill_from_scratch()
    assert _kept() == kept


def test_each_doing_moves_it_forward_never_back(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    _patient, episode, _answer = full_patient(world, world["therapist"], programme, 1, start=start)
    # full_patient's last doing is a message two hours after the start.
    assert _kept()[episode.pk][1] == "last_message"
    assert _kept() == _rebuilt()
    # An older message (written late) does not move it back; a message from the
    # therapist does not count.
    message(episode, at=start - dt.timedelta(days=3))
    message(episode, at=timezone.now(), from_patient=False)
    assert _kept()[episode.pk] == _rebuilt()[episode.pk]
    assert _kept()[episode.pk][0] < timezone.now() - dt.timedelta(days=20)
    # A module opened now (an update of started_at) moves it forward.
    now = timezone.now()
    entry = PlanEntry.objects.filter(episode=episode).order_by("-position").first()
    PlanEntry.objects.filter(pk=entry.pk).update(started_at=now)
    assert _kept()[episode.pk] == (now, "last_module")
    # On the same moment the greater name wins, as in ``_newest_of``.
    message(episode, at=now)
    assert _kept()[episode.pk] == (now, "last_module")
    assert _kept() == _rebuilt()
    # A therapist's message turned into the patient's (an update) counts from then on.
    later = now + dt.timedelta(minutes=5)
    therapist_message = message(episode, at=later, from_patient=False)
    assert _kept()[episode.pk][0] == now
    Message.objects.filter(pk=therapist_message.pk).update(from_patient=True)
    assert _kept()[episode.pk] == (later, "last_message")
    assert _kept() == _rebuilt()
    _fill_from_scratch()
    assert _kept()[episode.pk] == (later, "last_message")


def test_the_inbox_reads_the_kept_activity_in_one_query(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    cases = [full_patient(world, world["therapist"], programme, i, start=start) for i in range(3)]
    caseload = {
        e.pk: e
        for e in Episode.objects.filter(pk__in=[c[1].pk for c in cases]).select_related("clinic")
    }
    with CaptureQueriesContext(connection) as queries:
        found = activity.count_inactive_patients(caseload, timezone.now())
    assert found == 3  # their last doing was 30 days ago
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "treatment_episodeactivity" in sql
    for source in ("messaging_message", "treatment_response", "treatment_planentry"):
        assert source not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_therapists_kept_activity_is_the_clinics_range_not_one_descent_per_episode(world):
    """The caseload's episodes only filter the clinic's range of kept rows (decision
    0069): with the ids as a key the planner took each episode by the primary key, a
    level deeper as the country grew (8 → 41 pages from 1k to 100k patients)."""
    from tests.core.test_scale import explain

    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    cases = [full_patient(world, world["therapist"], programme, i, start=start) for i in range(3)]
    query = activity._kept_rows([c[1].pk for c in cases], [world.clinic.pk])
    sql, params = query.query.sql_with_params()
    plan = explain(
        sql,
        params,
        only={
            "treatment_episodeactivity": {"activity_by_clinic", "treatment_episodeactivity_pkey"}
        },
    )
    assert "activity_by_clinic" in plan, plan
    assert "treatment_episodeactivity_pkey" not in plan, plan
