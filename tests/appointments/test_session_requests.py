"""A patient asks to move or cancel a booked session and downloads it as a calendar
file (issue 14); the therapist sees the request, is told without any detail, and closes
it by cancelling the session or marking it dealt with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.appointments import actions, calendar
from tessera.appointments.models import ChangeRequest
from tessera.core.models import AuditEvent
from tessera.notifications.models import Notification
from tests.appointments.test_appointments import book
from tests.conftest import sign_in


def _ask(world, session, kind="move", note="Mornings suit me, Tuesday or Thursday"):
    return actions.do_ask_to_change_session(
        session, acting_user=world.patient.user, kind=kind, note=note
    )


def test_a_patient_asks_to_move_and_the_therapist_is_told_nothing_more(
    world, django_capture_on_commit_callbacks
):
    session = book(world, hours=48)
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(world, session)
    assert request.kind == "move" and request.handled_at is None
    (told,) = Notification.objects.filter(recipient=world["therapist"], kind="session_change_asked")
    assert told.link == reverse("episode_sessions", args=[world.episode.pk])
    assert "Tuesday" not in str(told.__dict__)
    assert AuditEvent.objects.filter(action="appointment.change_asked", purpose="self").exists()


def test_asking_twice_changes_the_one_open_request(world):
    session = book(world, hours=48)
    _ask(world, session)
    _ask(world, session, kind="cancel", note="I am ill")
    (request,) = ChangeRequest.objects.all()
    assert (request.kind, request.note) == ("cancel", "I am ill")


def test_a_move_needs_times_and_only_the_patient_of_a_coming_session_asks(world):
    session = book(world, hours=48)
    with pytest.raises(ValidationError):
        _ask(world, session, note="")
    with pytest.raises(PermissionDenied):
        actions.do_ask_to_change_session(
            session, acting_user=world["therapist"], kind="cancel", note=""
        )
    with pytest.raises(ValidationError):
        _ask(world, book(world, hours=-2))


def test_cancelling_the_session_closes_the_request(world):
    session = book(world, hours=48)
    request = _ask(world, session)
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Moved")
    request.refresh_from_db()
    assert request.handled_by == world["therapist"]


def test_the_therapist_sees_the_request_and_marks_it_dealt_with(world, login):
    session = book(world, hours=48)
    _ask(world, session)
    client = login(world["therapist"])
    page = client.get(reverse("episode_sessions", args=[world.episode.pk])).content.decode()
    assert "The patient asks to move it to another time" in page and "Tuesday" in page
    url = reverse("session_request_handled", args=[world.episode.pk, session.pk])
    assert client.post(url).status_code == 302
    assert not ChangeRequest.objects.open().exists()
    assert AuditEvent.objects.filter(action="appointment.change_handled").count() == 1


def test_the_patient_asks_from_my_sessions_and_keeps_the_text_on_an_error(world, client):
    session = book(world, hours=48)
    sign_in(client, world.patient.user)
    page = client.get(reverse("my_sessions")).content.decode()
    assert "Ask to move or cancel" in page and "calendar.ics" in page
    url = reverse("my_session_change", args=[session.pk])
    missing = client.post(url, {"kind": "move", "note": ""})
    assert missing.status_code == 400
    assert "Say which days and times suit you instead." in missing.content.decode()
    kept = client.post(url, {"kind": "bogus", "note": "Friday after 3"})
    assert kept.status_code == 400 and "Friday after 3" in kept.content.decode()
    assert client.post(url, {"kind": "move", "note": "Friday after 3"}).status_code == 302
    page = client.get(reverse("my_sessions")).content.decode()
    assert "you asked to move it to another time" in page


def test_the_calendar_file_says_only_where_and_when(world, client):
    starts = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    session = actions.do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="video",
        starts_at=starts,
        minutes=45,
        video_link="https://video.example/room-1",
    )
    sign_in(client, world.patient.user)
    response = client.get(reverse("my_session_calendar", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"SUMMARY:Appointment at {world.clinic.name}" in text
    assert "DTSTART:" + starts.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") in text
    assert "URL:https://video.example/room-1" in text
    for secret in (str(world["therapist"]), world.patient.first_name, "video,", "CBT"):
        assert secret not in text


def test_long_lines_are_folded_and_text_escaped(world):
    session = book(world, hours=48, place="Room 3; Storgatan 1, " + "x" * 100)
    text = calendar.ics(session, clinic_name="A, B", host="t.example", now=timezone.now())
    assert "SUMMARY:Appointment at A\\, B" in text
    assert "LOCATION:Room 3\\; Storgatan 1\\, " in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
