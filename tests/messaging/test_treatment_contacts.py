"""What counts as an attended treatment contact in online care (docs/decisions/0010,
issue 12): in guided care a completed module counts once the responsible therapist has
answered it; one answer covers one module; unguided modules never count."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine

from tessera.appointments.contacts import treatment_contacts
from tessera.core.models import AuditEvent
from tessera.messaging import actions
from tessera.treatment.actions import do_complete_module
from tests.plan_fixtures import build_plan

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def send(world, user, at):
    with time_machine.travel(at, tick=False):
        return actions.do_send_message(
            world.episode, acting_user=user, body="Well done.", submission_key=uuid.uuid4()
        )


def complete(world, entry, at):
    with time_machine.travel(at, tick=False):
        do_complete_module(entry, acting_user=world.patient.user)


def entries(world):
    build_plan(world)
    return list(world.episode.plan.order_by("position"))


def test_a_completed_module_counts_only_once_the_therapist_has_answered_it(world):
    first, second = entries(world)
    complete(world, first, T0)
    assert treatment_contacts(world.episode) == 0  # the patient's own work alone
    send(world, world.patient.user, T0 + dt.timedelta(hours=1))  # the patient writes: no
    assert treatment_contacts(world.episode) == 0
    message = send(world, world["therapist"], T0 + dt.timedelta(hours=2))
    assert treatment_contacts(world.episode) == 1
    row = AuditEvent.objects.get(action="message.sent", object_id=str(message.pk))
    assert row.changes["module_answered"] == first.pk
    send(world, world["therapist"], T0 + dt.timedelta(hours=3))  # a second answer: still 1
    assert treatment_contacts(world.episode) == 1
    complete(world, second, T0 + dt.timedelta(days=7))
    send(world, world["therapist"], T0 + dt.timedelta(days=7, hours=1))
    assert treatment_contacts(world.episode) == 2


def test_one_answer_after_two_modules_covers_one(world):
    first, second = entries(world)
    complete(world, first, T0)
    complete(world, second, T0 + dt.timedelta(hours=1))
    send(world, world["therapist"], T0 + dt.timedelta(hours=2))
    assert treatment_contacts(world.episode) == 1
    second.refresh_from_db()
    assert second.answered_at is not None


def test_unguided_modules_never_count(world):
    first, second = entries(world)
    complete(world, first, T0)
    send(world, world["therapist"], T0 + dt.timedelta(hours=1))
    complete(world, second, T0 + dt.timedelta(days=1))
    send(world, world["therapist"], T0 + dt.timedelta(days=1, hours=1))
    assert treatment_contacts(world.episode) == 2
    world.episode.care_model = "unguided"
    world.episode.save()
    assert treatment_contacts(world.episode) == 0
