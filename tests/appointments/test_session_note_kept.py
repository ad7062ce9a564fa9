"""A session note that could not be saved is shown back, to copy. Found sending the
"Record the session" form from a page left open: the session cancelled meanwhile (in
another tab, by a colleague), or not started yet, or a note over the length allowed,
each went back to the sessions page with a line, and the note the therapist had
written was gone (the over-long one was told "Say whether the patient came.", which
they had)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.appointments import actions
from tessera.appointments.models import Appointment

NOTE = "Went through the exposure hierarchy; she rated the bus ride 60 and wants to try it"


@pytest.fixture
def session(world):
    return actions.do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="phone",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )


def _record(client, world, session, **body):
    url = reverse("session_record", args=[world.episode.pk, session.pk])
    page = reverse("episode_sessions", args=[world.episode.pk])
    return client.post(url, {"status": "attended", "note": NOTE} | body, HTTP_REFERER=page)


def test_a_note_for_a_session_cancelled_meanwhile_is_shown_back(world, login, session):
    client = login(world["therapist"])
    Appointment.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Ill")
    response = _record(client, world, session)
    assert response.status_code == 409
    page = response.content.decode()
    assert "This session was cancelled." in page and NOTE in page
    assert Appointment.objects.get(pk=session.pk).note == ""


def test_a_note_for_a_session_not_started_yet_is_shown_back(world, login, session):
    response = _record(login(world["therapist"]), world, session)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The session has not started yet." in page and NOTE in page


def test_an_over_long_note_is_told_so_and_shown_back(world, login, session):
    Appointment.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    long_note = NOTE + " and more" * 1300
    response = _record(login(world["therapist"]), world, session, note=long_note)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Say whether the patient came." not in page
    assert "at most 10000 characters" in page and NOTE in page
    assert Appointment.objects.get(pk=session.pk).status == "booked"


def test_a_refusal_without_a_note_goes_back_to_the_page_as_before(world, login, session):
    response = _record(login(world["therapist"]), world, session, note="")
    assert response.status_code == 302


def _held(session) -> None:
    Appointment.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_a_record_saved_by_someone_else_meanwhile_is_not_overwritten(world, login, session):
    """Two people correcting one session's record (a colleague and the therapist, or
    two tabs): each page drew the record as it was; the second "Save" silently replaced
    the first one's note (decision 0149). Now it is refused and shown back to copy."""
    _held(session)
    client = login(world["therapist"])
    drawn = Appointment.objects.get(pk=session.pk).record_version
    assert (
        f'name="drawn" value="{drawn}"'
        in client.get(reverse("episode_sessions", args=[world.episode.pk])).content.decode()
    )
    theirs = "Colleague covered: she came, we went over the safety plan together."
    actions.do_record_session(
        session, acting_user=world["colleague"], status="attended", note=theirs
    )
    response = _record(client, world, session, drawn=drawn)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this session&#x27;s record after you opened the page" in page
    assert NOTE in page  # the therapist's note, to copy
    assert Appointment.objects.get(pk=session.pk).note == theirs


def test_a_record_drawn_as_it_is_now_is_saved_and_can_be_corrected_again(world, login, session):
    _held(session)
    client = login(world["therapist"])
    first = _record(client, world, session, drawn="")  # never recorded when drawn
    assert first.status_code == 302
    saved = Appointment.objects.get(pk=session.pk)
    assert saved.note == NOTE
    corrected = _record(client, world, session, note="Corrected.", drawn=saved.record_version)
    assert corrected.status_code == 302
    assert Appointment.objects.get(pk=session.pk).note == "Corrected."
