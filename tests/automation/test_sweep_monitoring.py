"""Escalation must not depend on an unmonitored job: the sweep records each run, /healthz
and the risk alert list show a late or failing sweep, and an overdue alert escalates when
a late sweep finally runs (issue 12, point 1)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tessera.automation.sweep import run_automation
from tessera.core import jobs
from tessera.core.models import JobRun
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tests.conftest import sign_in

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
MONDAY_9 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=STOCKHOLM)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_automation()


def health(client, moment):
    with time_machine.travel(moment, tick=False):
        return client.get(reverse("healthz")).json()


def test_each_run_is_recorded_with_its_counts(db):
    sweep_at(MONDAY_9)
    run = JobRun.objects.get(job=jobs.SWEEP)
    assert run.ok is True and run.finished_at is not None
    assert "escalated=0" in run.summary


def test_healthz_reports_a_sweep_older_than_its_interval(client, db, settings):
    settings.TESSERA_SWEEP_MAX_AGE_MINUTES = 10
    assert health(client, MONDAY_9)["sweep"] == "never"
    sweep_at(MONDAY_9)
    fresh = health(client, MONDAY_9 + dt.timedelta(minutes=9))
    assert fresh["status"] == "ok" and fresh["sweep"] == "ok"
    late = health(client, MONDAY_9 + dt.timedelta(minutes=11))
    assert late["status"] == "degraded" and late["sweep"] == "late"
    assert late["sweep_last_ok"].startswith("2026-12-07T08:00")  # UTC


def test_a_failing_sweep_is_recorded_and_reported(client, db):
    with mock.patch("tessera.automation.sweep.escalate_overdue", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            sweep_at(MONDAY_9)
    assert JobRun.objects.get(job=jobs.SWEEP).ok is False
    assert health(client, MONDAY_9 + dt.timedelta(minutes=1))["sweep"] == "failing"


def alert_list_at(user, moment) -> str:
    with time_machine.travel(moment, tick=False):
        client = Client()  # a fresh session: the idle timeout would sign a kept one out
        sign_in(client, user)
        return client.get(reverse("risk_alerts")).content.decode()


def test_staff_see_on_the_alert_list_that_alerts_are_not_being_escalated(world):
    sweep_at(MONDAY_9)
    page = alert_list_at(world["therapist"], MONDAY_9 + dt.timedelta(minutes=5))
    assert "Alerts are not being escalated" not in page
    page = alert_list_at(world["therapist"], MONDAY_9 + dt.timedelta(hours=3))
    assert "Alerts are not being escalated" in page and "2026-12-07 09:00" in page


def test_an_overdue_alert_escalates_when_the_sweep_runs_late(
    world, client, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY_9, tick=False):
        sweep_at(MONDAY_9)
        with django_capture_on_commit_callbacks(execute=True):
            treatment.do_submit_response(
                world.due,
                {**dict.fromkeys(range(1, 9), 1), 9: 2},
                acting_user=world.patient.user,
                submission_key=uuid.uuid4(),
                language="en",
            )
    alert = RiskAlert.objects.get(episode=world.episode)
    assert alert.acknowledge_by == MONDAY_9 + dt.timedelta(hours=1)
    # The worker stops; at 13:00 the alert is three hours overdue and nothing has run.
    late = MONDAY_9 + dt.timedelta(hours=4)
    assert health(client, late)["sweep"] == "late"
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = sweep_at(late)
    alert.refresh_from_db()
    assert summary.escalated == 1 and alert.escalation_level == 1
    assert world["supervisor"].email in [m.to[0] for m in mail.outbox]
    assert health(client, late + dt.timedelta(minutes=1))["sweep"] == "ok"


def test_a_failing_step_does_not_keep_an_alert_from_being_passed_on(
    world, django_capture_on_commit_callbacks
):
    """Decision 0105: the reminders failing (a bug, a row they cannot read) used to end
    the run before escalation; the alert then waited, unescalated, for a fix."""
    with (
        time_machine.travel(MONDAY_9, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        treatment.do_submit_response(
            world.due,
            {**dict.fromkeys(range(1, 9), 1), 9: 3},
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    alert = RiskAlert.objects.get(episode=world.episode)
    with mock.patch("tessera.automation.sweep.send_reminders", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            sweep_at(MONDAY_9 + dt.timedelta(days=2))
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    run = JobRun.objects.get(job=jobs.SWEEP)
    assert run.ok is False and "escalated=1" in run.summary
