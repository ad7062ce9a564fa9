"""After an ended episode's read_only_from date the patient can no longer write:
messages and worksheets refuse with a clear message (ending.patient_may_write)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from tessera.core.models import Episode
from tessera.messaging.actions import do_send_message
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan


def _end(world, read_only_from):
    Episode.objects.filter(pk=world.episode.pk).update(
        status="ended", ended_on=dt.date.today(), read_only_from=read_only_from
    )
    world.episode.refresh_from_db()


def test_the_patient_may_write_until_the_read_only_date(world):
    _end(world, dt.date.today() + dt.timedelta(days=30))
    message = do_send_message(
        world.episode, acting_user=world.patient.user, body="Thanks!", submission_key=uuid.uuid4()
    )
    assert message.from_patient


def test_after_the_read_only_date_messages_are_refused_clearly(world):
    _end(world, dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="read-only"):
        do_send_message(
            world.episode, acting_user=world.patient.user, body="Hi", submission_key=uuid.uuid4()
        )
    # Staff still write.
    do_send_message(
        world.episode, acting_user=world["therapist"], body="Hello", submission_key=uuid.uuid4()
    )


def test_after_the_read_only_date_worksheets_are_refused(world):
    plan = build_plan(world)
    step = plan.entry.module_version.steps.get(kind="worksheet")
    _end(world, dt.date.today() - dt.timedelta(days=1))
    plan.entry.episode.refresh_from_db()
    with pytest.raises(ValidationError, match="read-only"):
        plan_actions.do_save_worksheet(
            plan.entry, step, {"situation": "x"}, acting_user=world.patient.user
        )
