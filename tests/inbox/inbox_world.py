"""Caseloads for the inbox tests: patients with an item of every kind, built through the
real actions where they exist (risk alerts and messages are written by apps built in
parallel, so those rows are created directly)."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.utils import timezone

from tessera.core.models import Episode
from tessera.messaging.models import Message
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import make_patient
from tests.plan_fixtures import _module, _programme

LOW = dict.fromkeys(range(1, 10), 0)  # PHQ-9 total 0
HIGH = dict.fromkeys(range(1, 10), 2)  # PHQ-9 total 18: a rise of 18 >= 6 points


def manual_programme(region, key="manual"):
    first = _module(region, f"{key}-first", "Getting started", worksheet=True)
    second = _module(region, f"{key}-second", "Next steps")
    return _programme(region, key, "Manual programme", [first, second], unlock_rule="manual")


def ensure_rules(clinic):
    for point in ["pre", "weekly"]:
        MeasureRule.objects.get_or_create(clinic=clinic, instrument="PHQ-9", time_point=point)


def message(episode, *, at, from_patient=True):
    return Message.objects.create(
        episode=episode,
        author=episode.patient.user if from_patient else None,
        from_patient=from_patient,
        body="text",
        sent_at=at,
        submission_key=uuid.uuid4(),
    )


def risk_alert(episode, *, at, severity="high", **extra):
    return RiskAlert.objects.create(
        episode=episode,
        source=RiskAlert.Source.CONCERN,
        severity=severity,
        opened_at=at,
        acknowledge_by=at + dt.timedelta(hours=4),
        **extra,
    )


def overdue(episode, instrument="PHQ-9", *, days=3, sequence=1):
    """A weekly questionnaire of the episode due ``days`` ago and open for days yet."""
    now = timezone.now()
    return DueMeasure.objects.create(
        episode=episode,
        instrument=instrument,
        time_point="weekly",
        sequence=sequence,
        opens_at=now - dt.timedelta(days=days + 1),
        due_at=now - dt.timedelta(days=days),
        expires_at=now + dt.timedelta(days=days),
    )


def worksheet(episode, *, acting_user):
    """Open the first module, send its worksheet and complete it (the next one waits)."""
    entry = episode.plan.order_by("position").first()
    step = entry.module_version.steps.get(kind="worksheet")
    answer = plan_actions.do_submit_worksheet(
        entry, step, {"situation": "I went for a walk"}, acting_user=acting_user
    )
    plan_actions.do_complete_module(entry, acting_user=acting_user)
    return answer


def full_patient(world, therapist, programme, index: int, *, start: dt.datetime, clinic=None):
    """A patient on ``therapist``'s caseload with a row of every kind, all from ``start``
    (weeks ago): a risk alert, a worksheet and a message waiting, inactivity since,
    overdue questionnaires, a reliable deterioration on PHQ-9, a module to open, and new
    to the therapist."""
    clinic = clinic or world.clinic
    ensure_rules(clinic)
    with time_machine.travel(start, tick=False):
        patient, episode = make_patient(
            clinic, f"case{index}-{uuid.uuid4().hex[:6]}@inbox.test", therapist=therapist
        )
        plan_actions.do_seed_plan(episode, programme, acting_user=therapist)
        treatment.do_start_treatment(episode, acting_user=therapist, start_on=start.date())
        pre = DueMeasure.objects.get(episode=episode, instrument="PHQ-9", time_point="pre")
        _submit(pre, LOW, patient)
        answer = worksheet(episode, acting_user=patient.user)
        weekly = (
            DueMeasure.objects.filter(episode=episode, instrument="PHQ-9", time_point="weekly")
            .order_by("due_at")
            .first()
        )
        _submit(weekly, HIGH, patient, at=timezone.now() + dt.timedelta(hours=1))
        message(episode, at=timezone.now() + dt.timedelta(hours=2))
        risk_alert(episode, at=timezone.now() + dt.timedelta(hours=3))
    # A patient handed over and not yet opened by the therapist: the "new patient" row.
    Episode.objects.filter(pk=episode.pk).update(new_to_therapist=True)
    episode.new_to_therapist = True
    return patient, episode, answer


def _submit(due, answers, patient, at=None):
    return treatment.do_submit_response(
        due,
        answers,
        acting_user=patient.user,
        submission_key=uuid.uuid4(),
        language="en",
        submitted_at=at,
    )


def caseload(world, therapist, programme, size: int, *, start=None):
    start = start or timezone.now() - dt.timedelta(days=30)
    return [full_patient(world, therapist, programme, i, start=start) for i in range(size)]


def training(patient):
    from tessera.core.models import Patient

    Patient.objects.filter(pk=patient.pk).update(is_training=True)
