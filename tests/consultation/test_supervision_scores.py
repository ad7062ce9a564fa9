"""Supervision cases show each measure's latest score with band, trend and reliable
change (the caseload's own computation, ``treatment.latest_scores``), only for cases the
supervisor may see, at a constant number of queries (issue 20, item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tessera.consultation import actions
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return manual_programme(world.region)


def _patient(world, programme, index, clinic=None, therapist=None):
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(
        world, therapist or world["therapist"], programme, index, start=start, clinic=clinic
    )


def test_the_case_page_shows_the_latest_scores_with_trend_and_change(
    world, client, login, programme
):
    _patient_row, episode, _answer = _patient(world, programme, 1)
    login(world["supervisor"])
    response = client.get(f"/supervision/cases/{episode.pk}/")
    assert response.status_code == 200
    (phq,) = response.context["scores"]
    assert (phq.code, phq.total, phq.previous, phq.baseline) == ("PHQ-9", 18, 0, 0)
    assert phq.change == "deteriorated" and phq.trend == "up"
    page = response.content.decode()
    assert 'data-instrument="PHQ-9"' in page and "reliable deterioration since 0" in page
    assert phq.band and phq.band in page


def test_the_case_list_shows_each_followed_case_scores(world, client, login, programme):
    _p, episode, _a = _patient(world, programme, 2)
    actions.do_follow_case(episode, acting_user=world["supervisor"])
    login(world["supervisor"])
    response = client.get("/supervision/")
    (case,) = response.context["page"].object_list
    assert [s.code for s in case.scores] == ["PHQ-9"]
    assert 'data-instrument="PHQ-9"' in response.content.decode()


def test_no_scores_for_a_case_of_a_clinic_the_supervisor_does_not_supervise(
    world, client, login, programme
):
    _p, episode, _a = _patient(
        world, programme, 3, clinic=world.other_clinic, therapist=world["other_therapist"]
    )
    login(world["supervisor"])
    response = client.get(f"/supervision/cases/{episode.pk}/")
    assert response.status_code == 404
    assert 'data-instrument="PHQ-9"' not in response.content.decode()
    assert "PHQ-9" not in client.get("/supervision/").content.decode()


def test_scores_keep_the_list_and_case_queries_constant(
    world, client, login, programme, django_assert_max_num_queries
):
    first = [_patient(world, programme, i)[1] for i in range(2)]
    for episode in first:
        actions.do_follow_case(episode, acting_user=world["supervisor"])
    login(world["supervisor"])
    with django_assert_max_num_queries(30) as few:
        assert client.get("/supervision/").status_code == 200
    with django_assert_max_num_queries(40) as case_few:
        assert client.get(f"/supervision/cases/{first[0].pk}/").status_code == 200
    more = [_patient(world, programme, i)[1] for i in range(2, 8)]
    for episode in more:
        actions.do_follow_case(episode, acting_user=world["supervisor"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/supervision/")
    assert len(response.context["page"].object_list) == 8
    assert all(case.scores for case in response.context["page"].object_list)
    with django_assert_max_num_queries(len(case_few.captured_queries)):
        assert client.get(f"/supervision/cases/{more[-1].pk}/").status_code == 200
