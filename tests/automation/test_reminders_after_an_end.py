"""Reminders and booking notices written by the sweep (or a booking) and held for quiet
hours are not sent once what they were about has ended (decision 0105): the episode
ended, the questionnaire cancelled, the module removed, the session cancelled."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail

from tessera.appointments.actions import sessions
from tessera.automation.sweep import run_automation
from tessera.notifications.delivery import deliver_due
from tessera.notifications.models import Notification, Preference
from tessera.portal.ending import do_end_episode
from tessera.treatment.actions import do_cancel_occasions
from tessera.treatment.actions import plans as plan_actions
from tests.automation.conftest import START, at

NIGHT, MORNING = at(START, 23), at(START + dt.timedelta(days=1), 8)


def quiet_nights(user):
    Preference.objects.create(user=user, quiet_from=dt.time(21), quiet_until=dt.time(8))


def sweep(when):
    with time_machine.travel(when, tick=False):
        return run_automation()


def rows(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def subjects():
    return [m.subject for m in mail.outbox]


def test_a_module_reminder_held_overnight_is_not_sent_after_the_episode_ended(unguided, world):
    user = unguided.patient.user
    quiet_nights(user)
    sweep(NIGHT)
    [held] = rows(user, "reminder_module")
    assert held.state == "intended" and held.send_after
    with time_machine.travel(NIGHT + dt.timedelta(minutes=30), tick=False):
        do_end_episode(unguided.episode, acting_user=world["manager"], reason="completed")
    sweep(MORNING)
    held.refresh_from_db()
    assert held.state == Notification.State.WITHDRAWN
    assert not any("Something new is ready" in s for s in subjects())


def test_a_module_reminder_held_overnight_is_not_sent_after_the_module_was_removed(unguided, world):
    user = unguided.patient.user
    quiet_nights(user)
    sweep(NIGHT)
    [held] = rows(user, "reminder_module")
    entry = next(e for e in unguided.entries if e.pk == held.params["entry"])
    with time_machine.travel(NIGHT + dt.timedelta(minutes=30), tick=False):
        plan_actions.do_remove_module(entry, acting_user=world["manager"], reason="Not needed")
    sweep(MORNING)
    held.refresh_from_db()
    assert held.state == Notification.State.WITHDRAWN


def test_a_questionnaire_reminder_held_overnight_is_not_sent_after_it_was_cancelled(
    unguided, world
):
    user = unguided.patient.user
    quiet_nights(user)
    sweep(NIGHT)
    held = list(rows(user, "reminder_questionnaire"))
    assert held and all(r.state == "intended" for r in held)
    dues = [r.params["due"] for r in held]
    from tessera.treatment.models import DueMeasure

    with time_machine.travel(NIGHT + dt.timedelta(minutes=30), tick=False):
        do_cancel_occasions(DueMeasure.objects.filter(pk__in=dues), source="test")
    sweep(MORNING)
    assert {r.state for r in rows(user, "reminder_questionnaire")} == {"withdrawn"}
    assert not any("questionnaire is waiting" in s for s in subjects())


def test_reminders_still_wanted_in_the_morning_are_sent(unguided):
    user = unguided.patient.user
    quiet_nights(user)
    sweep(NIGHT)
    sweep(MORNING)
    states = set(Notification.objects.filter(recipient=user).values_list("state", flat=True))
    assert states == {"sent"}


def test_a_booking_notice_held_overnight_is_not_sent_after_the_session_was_cancelled(world):
    user = world.patient.user
    quiet_nights(user)
    with time_machine.travel(NIGHT, tick=False):
        session = sessions.do_book_appointment(
            world.episode,
            acting_user=world["therapist"],
            therapist=world["therapist"],
            kind="face_to_face",
            place="Room 1",
            starts_at=NIGHT + dt.timedelta(days=3),
        )
        deliver_due(NIGHT)
        [held] = rows(user, "session_booked")
        assert held.state == "intended" and held.send_after
        sessions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Ill")
    with time_machine.travel(MORNING, tick=False):
        deliver_due(MORNING)
    held.refresh_from_db()
    assert held.state == Notification.State.WITHDRAWN
    assert not any("session has been booked" in s for s in subjects())


def test_a_booking_notice_held_overnight_is_not_sent_after_the_episode_ended(world):
    # Ending the course cancels the session (decision 0164), so its notice is withdrawn:
    # before, "A session has been booked for you" arrived the morning after the end.
    user = world.patient.user
    quiet_nights(user)
    with time_machine.travel(NIGHT, tick=False):
        sessions.do_book_appointment(
            world.episode,
            acting_user=world["therapist"],
            therapist=world["therapist"],
            kind="face_to_face",
            place="Room 1",
            starts_at=NIGHT + dt.timedelta(days=3),
        )
        deliver_due(NIGHT)
        [held] = rows(user, "session_booked")
        assert held.state == "intended" and held.send_after
        do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")
    with time_machine.travel(MORNING, tick=False):
        deliver_due(MORNING)
    held.refresh_from_db()
    assert held.state == Notification.State.WITHDRAWN
    assert not any("session has been booked" in s for s in subjects())
