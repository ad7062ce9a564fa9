"""Questionnaires answered in the past, stored in bulk (``do_submit_past_responses``, used
by the demo's year of history; decision 0034): each row and audit event as
``do_submit_response`` would write it, the audit chain intact, risk answers refused."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from tessera.core import audit
from tessera.core.models import AuditEvent
from tessera.treatment import actions
from tessera.treatment.models import DueMeasure, Response

PHQ = {**dict.fromkeys(range(1, 9), 2), 9: 0}  # total 16, no risk answer


def _week_later(world):
    """A second PHQ-9 occasion of the world's episode (not yet answered)."""
    due = actions.do_schedule_occasion(
        world.episode,
        acting_user=world["therapist"],
        instrument="PHQ-9",
        time_point="follow_up_12",
        due_at=timezone.now() + dt.timedelta(days=7),
        source="test",
    )
    assert due.pk != world.due.pk and due.completed_at is None
    return due


def test_past_responses_are_stored_and_audited_as_single_submissions_would_be(world):
    when = timezone.now() - dt.timedelta(days=30)
    therapist = world["therapist"]
    single = actions.do_submit_response(
        world.due, PHQ, acting_user=therapist, submission_key=uuid.uuid4(), language="sv",
        submitted_at=when,
    )  # fmt: skip
    single_event = AuditEvent.objects.filter(action="response.submitted").latest("id")
    later = _week_later(world)
    (past,) = actions.do_submit_past_responses(
        [actions.PastAnswers(later, PHQ, when, "sv")], acting_user=therapist
    )
    fields = ["instrument", "instrument_version", "language", "answers", "total", "band"]
    fields += ["result", "risk_flagged", "submitted_at", "submitted_by_id", "episode_id"]
    stored = Response.objects.get(pk=past.pk)
    assert {f: getattr(stored, f) for f in fields} == {f: getattr(single, f) for f in fields}
    assert DueMeasure.objects.get(pk=later.pk).completed_at == when
    event = AuditEvent.objects.filter(action="response.submitted").latest("id")
    same = ["actor_id", "actor_role", "clinic_id", "patient_id", "purpose", "changes"]
    assert {f: getattr(event, f) for f in same} == {f: getattr(single_event, f) for f in same}
    assert (event.object_type, event.object_id) == ("Response", str(past.pk))
    assert list(audit.verify_chain()) == []


def test_a_risk_answer_or_an_answered_occasion_is_refused_and_nothing_is_kept(world):
    later = _week_later(world)
    when = timezone.now()
    risk = {**PHQ, 9: 2}
    with pytest.raises(ValueError, match="risk"):
        actions.do_submit_past_responses(
            [actions.PastAnswers(later, risk, when, "sv")], acting_user=world["therapist"]
        )
    answered = DueMeasure.objects.get(pk=world.response.due_id)
    with pytest.raises(ValueError, match="answered already"):
        actions.do_submit_past_responses(
            [
                actions.PastAnswers(later, PHQ, when, "sv"),
                actions.PastAnswers(answered, dict.fromkeys(range(1, 8), 1), when, "sv"),
            ],
            acting_user=world["therapist"],
        )
    assert not Response.objects.filter(due=later).exists()
