"""A booked session is told to the patient, and to the therapist when a colleague booked
it: through the notification system (channels, quiet hours), nothing clinical, exactly
once, and listed in each person's notification history (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tessera.appointments import actions
from tessera.appointments.signals import appointment_booked
from tessera.notifications import delivery
from tessera.notifications.actions import do_save_preferences
from tessera.notifications.models import Notification
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def book(world, acting_user, **extra):
    return actions.do_book_appointment(
        world.episode,
        acting_user=acting_user,
        therapist=world["therapist"],
        kind="video",
        video_link="https://meet.example/room",
        starts_at=timezone.now() + dt.timedelta(days=2),
        **extra,
    )


def test_the_patient_is_told_once_and_nothing_clinical(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(world, world["therapist"])
    rows = Notification.objects.filter(kind="session_booked")
    assert [row.recipient for row in rows] == [world.patient.user]
    assert rows[0].link == reverse("my_sessions")
    # the therapist booked it themselves: nobody tells them
    assert not Notification.objects.filter(kind="session_booked_with_you").exists()
    (message,) = [m for m in mail.outbox if m.to == [world.patient.user.email]]
    assert "video" not in message.body.lower() and "meet.example" not in message.body
    assert "Pia" not in message.body and "PHQ" not in message.body
    # the same booking again (a retried signal) writes nothing new
    appointment_booked.send(
        type(appointment), appointment=appointment, acting_user=world["therapist"]
    )
    assert Notification.objects.filter(kind="session_booked").count() == 1


def test_a_colleague_booking_tells_the_therapist_too(world):
    book(world, world["supervisor"])
    kinds = dict(Notification.objects.values_list("kind", "recipient"))
    assert kinds["session_booked"] == world.patient.user.pk
    assert kinds["session_booked_with_you"] == world["therapist"].pk


def test_quiet_hours_hold_the_patients_notice(world):
    user = world.patient.user
    do_save_preferences(user, acting_user=user, quiet_from=dt.time(0), quiet_until=dt.time(23, 59))
    # At noon in the patient's time zone: in the last minute before midnight the quiet
    # hours (00:00-23:59) are over, and the notice went out (the suite failed then).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        book(world, world["therapist"])
        row = Notification.objects.get(kind="session_booked")
        assert delivery.deliver(row.pk) == "intended"  # waits for the end of quiet hours


def test_the_notice_is_in_the_patients_history(world, client):
    book(world, world["therapist"])
    sign_in(client, world.patient.user)
    html = client.get(reverse("my_notification_history")).content.decode()
    assert "A session has been booked for you" in html
