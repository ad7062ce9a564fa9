"""A trial's follow-up goes on after treatment ends, per protocol (decision 0164): ending
a course cancelled every weekly or custom questionnaire due after the end, the
study's own measures among them, so a participant discharged early was lost to the
trial's follow-up without anyone deciding it."""

from __future__ import annotations

from django.utils import timezone

from tessera.portal.ending import do_end_episode
from tessera.research import actions
from tessera.research.models import ResearchMeasure, StudyMeasure
from tests.conftest import begun_by
from tests.research.fixtures import new_participant


def _with_a_late_custom_measure(study):
    # The protocol as it was set before recruitment opened (do_add_measure refuses now).
    return StudyMeasure.objects.create(
        study=study, instrument="GAD-7", time_point="custom", days_after_randomisation=150
    )


def _their_due(participant, measure):
    return ResearchMeasure.objects.get(participant=participant, measure=measure).due


def test_a_studys_measure_due_after_the_end_stays_open(world, study):
    measure = _with_a_late_custom_measure(study.study)
    participant = new_participant(world, 41)
    begun_by(participant.episode, timezone.localdate())
    do_end_episode(participant.episode, acting_user=world["therapist"], reason="completed")
    due = _their_due(participant, measure)
    assert not due.cancelled and due.completed_at is None


def test_a_withdrawn_participants_measure_is_not_kept(world, study):
    measure = _with_a_late_custom_measure(study.study)
    participant = new_participant(world, 42)
    actions.do_withdraw(
        participant, acting_user=participant.episode.patient.user, choice="stop_new_data"
    )
    begun_by(participant.episode, timezone.localdate())
    do_end_episode(participant.episode, acting_user=world["therapist"], reason="completed")
    assert _their_due(participant, measure).cancelled
