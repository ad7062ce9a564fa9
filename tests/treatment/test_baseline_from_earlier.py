"""``do_start_treatment(earlier_answers=...)``: a recent earlier answer stands in for the
start's occasion of the same questionnaire (issue 20, item 9), once, and only within
``BASELINE_WINDOW``; the clinic's other start occasion of it is not asked either, with
or without an earlier answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tessera.treatment import actions as treatment
from tessera.treatment.actions.episodes import BASELINE_WINDOW, EarlierAnswer
from tessera.treatment.models import DueMeasure, MeasureRule, Response
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def _answer(user, code="PHQ-9", *, days_ago=0, total=12, source="screening-1"):
    return EarlierAnswer(
        source=source,
        instrument=code,
        instrument_version="1.0.0",
        language="en",
        answers={"1": 3},
        total=total,
        band="moderate",
        result={"total": total},
        risk_flagged=False,
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        submitted_by=user,
    )


@pytest.fixture
def episode(world):
    MeasureRule.objects.create(clinic=world.clinic, instrument="PHQ-9", time_point="screening")
    _patient, episode = make_patient(
        world.clinic, "start@alpha.test", therapist=world["therapist"], first="Sam"
    )
    return episode


def test_a_recent_answer_is_copied_once_and_the_other_start_occasion_is_not_asked(world, episode):
    user = episode.patient.user
    dues = treatment.do_start_treatment(
        episode,
        acting_user=world["therapist"],
        earlier_answers=[
            _answer(user, days_ago=3, total=10, source="screening-1"),
            _answer(user, days_ago=1, total=12, source="screening-2"),  # the latest wins
        ],
    )
    start = DueMeasure.objects.filter(episode=episode, instrument="PHQ-9", sequence=0)
    pre = start.get(time_point="pre")
    assert pre.completed_at is not None and pre in dues
    assert Response.objects.get(due=pre).total == 12
    assert start.get(time_point="screening").cancelled  # not asked twice at the start
    assert Response.objects.filter(episode=episode).count() == 1
    # GAD-7 had no earlier answer: asked as before.
    gad = DueMeasure.objects.get(episode=episode, instrument="GAD-7", time_point="pre")
    assert gad.completed_at is None and not gad.cancelled
    # Weekly ones are never stood in for.
    assert not DueMeasure.objects.filter(
        episode=episode, time_point="weekly", completed_at__isnull=False
    ).exists()


def test_an_answer_outside_the_window_or_without_a_person_is_not_used(world, episode):
    user = episode.patient.user
    treatment.do_start_treatment(
        episode,
        earlier_answers=[
            _answer(user, days_ago=BASELINE_WINDOW.days + 1),
            _answer(None, "GAD-7", source="screening-3"),
        ],
    )
    assert not Response.objects.filter(episode=episode).exists()
    assert not DueMeasure.objects.filter(episode=episode, completed_at__isnull=False).exists()
    # Asked once at the start, before treatment, not in screening as well on the same day.
    start = DueMeasure.objects.filter(episode=episode, instrument="PHQ-9", sequence=0)
    screening = start.get(time_point="screening")
    assert not start.get(time_point="pre").cancelled and screening.cancelled
    assert list(DueMeasure.objects.filter(episode=episode, cancelled=True)) == [screening]


def test_without_an_earlier_answer_each_questionnaire_is_asked_once_at_the_start(world, episode):
    """Before, a clinic that schedules PHQ-9 in screening and before treatment asked a
    patient started without a screening answer both, on the same day."""
    MeasureRule.objects.create(clinic=world.clinic, instrument="AUDIT", time_point="screening")
    treatment.do_start_treatment(episode, acting_user=world["therapist"])
    asked = DueMeasure.objects.filter(episode=episode, sequence=0, cancelled=False)
    start = asked.filter(time_point__in=["screening", "pre"]).order_by("instrument")
    assert [(d.instrument, d.time_point) for d in start] == [
        ("AUDIT", "screening"),  # screening only: asked in screening
        ("GAD-7", "pre"),
        ("PHQ-9", "pre"),
    ]
