"""The calendar link of a session cancelled since it was sent (by the clinic, or when the
treatment ended) gives a file that takes the session out of the calendar, not "Page not
found" (decision 0103)."""

from __future__ import annotations

from django.urls import reverse

from tessera.appointments import actions
from tests.appointments.test_therapist_left_sessions import LINK, _coming


def test_a_cancelled_sessions_calendar_link_takes_it_out_of_the_calendar(world, login):
    session = _coming(world)
    client = login(world.patient.user)
    url = reverse("my_session_calendar", args=[session.pk])
    assert "METHOD:PUBLISH" in client.get(url).content.decode()
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Ill")

    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"UID:session-{session.pk}@" in body
    assert "METHOD:CANCEL" in body and "STATUS:CANCELLED" in body
    assert LINK not in body and "LOCATION" not in body


def test_a_cancelled_session_of_another_patient_stays_not_found(world, login):
    session = _coming(world)
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Ill")
    url = reverse("my_session_calendar", args=[session.pk])
    assert login(world.other_patient.user).get(url).status_code == 404
