"""The patient overview's sections at national scale (issue 16, decision 0090): the
latest worksheet answer's step, the time per staff member and the live consultations
are read without joining a table whose plan changes as the country grows. Joined, the
planner merge-joined the steps (a content table that does not grow) and the users from
the start of their keys at 100,000 patients (``bench/scale.py --secondary --detail``).
Same queries, same page. Each test fails on the sections as they were before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.workload.models import TimeEntry
from tests.conftest import sign_in
from tests.consultation.consultation_helpers import ask
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(world, world["therapist"], programme, 1, start=start)


def _overview(client, episode) -> tuple[str, list[str]]:
    url = reverse("episode_overview", kwargs={"episode_id": episode.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def _reads_of(sql: list[str], table: str) -> list[str]:
    return [q for q in sql if q.startswith("SELECT") and f'FROM "{table}"' in q]


def test_the_latest_answers_read_their_steps_by_key_not_joined(world, full, client):
    _patient, episode, answer = full
    sign_in(client, world["therapist"])
    html, sql = _overview(client, episode)
    (read,) = _reads_of(sql, "treatment_worksheetanswer")
    assert "JOIN" not in read, read
    # The step, by its key, for each answer shown: no plan that reads the steps' key
    # from its start.
    assert 'FROM "programs_step" U0 WHERE U0."id" = ' in read, read
    step = answer.step
    assert f"{step.title} <span" in html
    for spec in step.fields:
        assert f"<dt>{spec['label']}</dt>" in html


def test_the_time_per_staff_member_reads_the_names_once_each_not_joined(world, client):
    today = dt.date.today()
    for user, seconds in [(world["therapist"], 3600), (world["therapist"], 600)]:
        TimeEntry.objects.create(
            user=user, episode=world.episode, day=today, seconds=seconds, source="manual"
        )
    manager = world["manager"]
    TimeEntry.objects.create(
        user=manager, episode=world.episode, day=today, seconds=120, source="manual"
    )
    sign_in(client, world["therapist"])
    html, sql = _overview(client, world.episode)
    (read,) = _reads_of(sql, "workload_timeentry")
    assert "JOIN" not in read and "GROUP BY 1 " in read, read
    therapist = world["therapist"]
    assert therapist.get_full_name() in html
    assert (manager.get_full_name() or manager.email) in html


def test_the_live_consultations_join_the_colleague_only(world, client):
    ask(world)  # the therapist asks their colleague
    sign_in(client, world["therapist"])
    html, sql = _overview(client, world.episode)
    (read,) = [  # the section's read (others ask whether the viewer takes part)
        q
        for q in _reads_of(sql, "consultation_consultationrequest")
        if 'ORDER BY "consultation_consultationrequest"."created_at" DESC' in q
    ]
    assert read.count('JOIN "core_user"') == 1, read
    assert '"consultation_consultationrequest"."colleague_id" = T5."id"' in read, read
    colleague = world["colleague"]
    assert (colleague.get_full_name() or colleague.email) in html
