"""When a course ends, the sessions still to come are cancelled (decision 0164): before,
they stayed booked after the end, and the patient's pages kept offering the video link,
the calendar file and the form to ask to move them; the clinic's calendar kept them."""

from __future__ import annotations

from django.urls import reverse

from tessera.appointments import actions
from tessera.appointments.models import Appointment
from tessera.core.models import AuditEvent
from tessera.portal.ending import do_end_episode
from tests.appointments.test_appointments import book
from tests.appointments.test_therapist_left_sessions import LINK, _coming


def test_ending_cancels_the_coming_sessions_and_leaves_the_past_ones(world):
    coming = _coming(world)
    past = book(world, hours=-48)
    asked = actions.do_ask_to_change_session(
        coming, acting_user=world.patient.user, kind="cancel", note=""
    )

    ended = do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")

    assert ended.sessions_cancelled == 1
    coming.refresh_from_db()
    past.refresh_from_db()
    asked.refresh_from_db()
    assert coming.status == Appointment.Status.CANCELLED and coming.cancel_reason
    assert past.status == Appointment.Status.BOOKED  # still to be recorded
    assert asked.handled_at is not None
    event = AuditEvent.objects.get(action="appointment.cancelled", object_id=str(coming.pk))
    assert event.actor_id == world["therapist"].pk
    assert event.patient_id == world.episode.patient_id


def test_after_the_end_the_patient_is_offered_no_link_nor_request_for_the_session(world, login):
    session = _coming(world)
    client = login(world.patient.user)
    do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")

    home = client.get("/").content.decode()
    assert LINK not in home
    mine = client.get(reverse("my_sessions")).content.decode()
    assert f'id="session-{session.pk}"' not in mine  # cancelled sessions are not listed
    assert LINK not in mine and "Join the video session" not in mine
    assert reverse("my_session_change", args=[session.pk]) not in mine
    body = client.get(reverse("my_session_calendar", args=[session.pk])).content.decode()
    assert "METHOD:CANCEL" in body and LINK not in body


def test_the_clinician_is_told_how_many_sessions_were_cancelled(world, login):
    _coming(world)
    client = login(world["therapist"])
    response = client.post(
        reverse("end_episode", args=[world.episode.pk]), {"reason": "completed"}, follow=True
    )
    assert "1 coming session was cancelled." in response.content.decode()
