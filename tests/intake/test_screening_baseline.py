"""The screening's questionnaires are the before-treatment baseline when they are recent
(issue 20, item 9): a patient screened just before treatment starts is not asked the
PHQ-9/GAD-7 again, and the screening's answer is the episode's first score everywhere
(outcome table, the inbox's deterioration baseline). One answered long ago is asked
again (treatment's ``BASELINE_WINDOW``, a house rule beside the constant)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tessera.core.models import AuditEvent, Episode
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import ScreeningAnswer
from tessera.reports.models import EpisodeOutcome
from tessera.reports.outcome_table import refresh
from tessera.treatment.actions.episodes import BASELINE_WINDOW
from tessera.treatment.latest_scores import baseline as latest_baseline
from tessera.treatment.models import DueMeasure, Response
from tests.intake.assessment_helpers import accepted_episode, assess_kwargs, published_version
from tests.intake.intake_helpers import make_application

pytestmark = pytest.mark.django_db


def _accept(world, application) -> Episode:
    return accepted_episode(world, application)


def _start_dues(episode):
    return DueMeasure.objects.filter(episode=episode, time_point__in=["screening", "pre"])


def test_a_recent_screening_is_the_baseline_and_is_not_asked_again(world):
    application = make_application(world.clinic, "recent@apply.test")
    screened = {a.instrument: a for a in ScreeningAnswer.objects.filter(application=application)}
    episode = _accept(world, application)

    start = list(_start_dues(episode))
    assert start, "the start of treatment has its questionnaires"
    # Nothing at the start is left for the patient to fill in.
    assert not [d for d in start if d.completed_at is None and not d.cancelled]
    for code in ("PHQ-9", "GAD-7"):
        answered = [d for d in start if d.instrument == code and d.completed_at]
        if not answered:
            continue  # the clinic's schedule does not ask it at the start
        (due,) = answered
        response = Response.objects.get(due=due)
        assert response.total == screened[code].total
        assert response.answers == screened[code].answers
        assert response.submitted_at == screened[code].submitted_at == due.completed_at
        assert response.submitted_by == application.applicant
    assert {d.instrument for d in start if d.completed_at} >= {"PHQ-9"}
    event = AuditEvent.objects.get(action="episode.treatment_started", object_id=str(episode.pk))
    assert "PHQ-9" in event.changes["from_screening"]


def test_the_screening_answer_is_the_first_score_of_reports_and_the_inbox(world):
    application = make_application(world.clinic, "first@apply.test")
    phq = ScreeningAnswer.objects.get(application=application, instrument="PHQ-9")
    episode = _accept(world, application)
    later = DueMeasure.objects.filter(episode=episode, instrument="PHQ-9", completed_at=None)
    assert later.exists(), "a later PHQ-9 is still scheduled"
    refresh([episode.pk])
    outcome = EpisodeOutcome.objects.get(episode=episode)
    assert outcome.dep_first == phq.total
    responses = list(Response.objects.filter(episode=episode, instrument="PHQ-9"))
    assert latest_baseline(responses).total == phq.total


def test_a_screening_from_long_ago_is_asked_again(world):
    application = make_application(world.clinic, "long.ago@apply.test")
    ScreeningAnswer.objects.filter(application=application).update(
        submitted_at=timezone.now() - BASELINE_WINDOW - dt.timedelta(days=2)
    )
    episode = _accept(world, application)
    start = list(_start_dues(episode))
    assert start and all(d.completed_at is None and not d.cancelled for d in start)
    assert not Response.objects.filter(episode=episode).exists()
    event = AuditEvent.objects.get(action="episode.treatment_started", object_id=str(episode.pk))
    assert "from_screening" not in event.changes


def test_a_waiting_list_start_within_the_window_uses_the_screening(world):
    application = make_application(world.clinic, "waited@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=published_version(world),
        **assess_kwargs(decision="wait"),
    )
    application.refresh_from_db()
    episode = decision_actions.do_start_from_waiting_list(
        application, acting_user=world["intake"], therapist=world["therapist"]
    )
    assert Response.objects.filter(episode=episode, instrument="PHQ-9").count() == 1
    assert not _start_dues(episode).filter(completed_at=None, cancelled=False).exists()
