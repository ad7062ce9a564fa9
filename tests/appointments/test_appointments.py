"""Blended care: sessions booked, recorded and counted; moving between care models."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tessera.appointments import actions
from tessera.appointments.contacts import counts_as_finished, treatment_contacts
from tessera.appointments.models import Appointment
from tessera.core.models import AuditEvent
from tests.conftest import sign_in


def book(world, *, kind="face_to_face", hours=-2, **extra):
    extra.setdefault("place", "Room 3, Storgatan 1")
    return actions.do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind=kind,
        starts_at=timezone.now() + dt.timedelta(hours=hours),
        **extra,
    )


def test_a_face_to_face_session_needs_a_place_and_a_video_one_a_link(world):
    with pytest.raises(ValidationError) as err:
        book(world, place="")
    assert "place" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        book(world, kind="video", place="")
    assert "video_link" in err.value.message_dict
    assert book(world, kind="video", place="", video_link="https://meet.example/abc").pk


def test_only_a_therapist_of_the_clinic_can_be_booked(world):
    with pytest.raises(ValidationError) as err:
        actions.do_book_appointment(
            world.episode,
            acting_user=world["therapist"],
            therapist=world["other_therapist"],
            kind="phone",
            starts_at=timezone.now(),
        )
    assert "therapist" in err.value.message_dict


def test_attended_sessions_count_as_treatment_contacts(world):
    first, second, missed, future = book(world), book(world), book(world), book(world, hours=48)
    actions.do_record_session(first, acting_user=world["therapist"], status="attended", note="CBT")
    actions.do_record_session(second, acting_user=world["therapist"], status="attended")
    actions.do_record_session(missed, acting_user=world["therapist"], status="did_not_attend")
    with pytest.raises(ValidationError):
        actions.do_record_session(future, acting_user=world["therapist"], status="attended")
    assert treatment_contacts(world.episode) == 2


def test_a_blended_course_with_two_sessions_and_paired_scores_is_finished(world):
    from tessera.treatment import actions as treatment
    from tessera.treatment.models import DueMeasure

    for _ in range(2):
        actions.do_record_session(book(world), acting_user=world["therapist"], status="attended")
    assert treatment_contacts(world.episode) == 2
    assert not counts_as_finished(world.episode)  # no PHQ-9 yet: nothing to pair
    first = world.due
    weekly = DueMeasure.objects.filter(
        episode=world.episode, instrument="PHQ-9", time_point="weekly"
    ).order_by("sequence")[0]
    for due, answer in ((first, 2), (weekly, 1)):
        treatment.do_submit_response(
            due,
            dict.fromkeys(range(1, 10), answer) | {9: 0},
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    assert counts_as_finished(world.episode)


def test_cancelling_needs_a_reason_and_only_booked_sessions(world):
    session = book(world, hours=24)
    with pytest.raises(ValidationError):
        actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="")
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="Patient ill")
    with pytest.raises(ValidationError):
        actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="again")


def test_changing_the_care_model_keeps_the_episode_and_records_why(world):
    change = actions.do_change_care_model(
        world.episode,
        acting_user=world["therapist"],
        to_model="face_to_face",
        reason="Prefers to meet in person",
    )
    world.episode.refresh_from_db()
    assert world.episode.care_model == "face_to_face"
    assert (change.from_model, change.to_model) == ("guided", "face_to_face")
    assert AuditEvent.objects.filter(action="episode.care_model_changed").exists()
    with pytest.raises(ValidationError):
        actions.do_change_care_model(
            world.episode, acting_user=world["therapist"], to_model="face_to_face", reason="x"
        )


def test_the_care_model_sent_after_the_treatment_ended_changes_nothing(world, client):
    """Found at the edges: the sessions page was open while the patient was discharged;
    "Change" moved the ended treatment to another care model (its reports with it)."""
    from tessera.core.models import Episode

    Episode.objects.filter(pk=world.episode.pk).update(status=Episode.Status.ENDED)
    sign_in(client, world["therapist"])
    url = f"/episodes/{world.episode.pk}/care-model/"
    response = client.post(
        url,
        {"to_model": "blended", "reason": "Wants to meet"},
        HTTP_REFERER=f"http://testserver/episodes/{world.episode.pk}/sessions/",
        follow=True,
    )
    assert response.status_code == 200
    assert (
        "Nothing was changed: the treatment has ended, so its care model can no longer change."
        in response.content.decode()
    )
    world.episode.refresh_from_db()
    assert world.episode.care_model != "blended"
    assert not AuditEvent.objects.filter(action="episode.care_model_changed").exists()


def _tomorrow_at_ten() -> str:
    """A time the booking form takes on any day the suite runs: a fixed date is more
    than a month back a month later, and the form refuses it (decision 0109)."""
    return f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}T10:00"


def test_the_care_team_page_books_and_shows_sessions(world, client):
    sign_in(client, world["therapist"])
    url = f"/episodes/{world.episode.pk}/sessions/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "kind": "face_to_face",
            "therapist": world["therapist"].pk,
            "starts_at": _tomorrow_at_ten(),
            "minutes": 45,
        },
    )
    assert bad.status_code == 400
    assert "Say where the session takes place." in bad.content.decode()
    good = client.post(
        url,
        {
            "kind": "face_to_face",
            "therapist": world["therapist"].pk,
            "starts_at": _tomorrow_at_ten(),
            "minutes": 45,
            "place": "Room 2",
        },
    )
    assert good.status_code == 302
    assert Appointment.objects.get().place == "Room 2"


def test_the_patient_sees_their_sessions_without_notes(world, client):
    session = book(world)
    actions.do_record_session(
        session, acting_user=world["therapist"], status="attended", note="Discussed avoidance"
    )
    sign_in(client, world.patient.user)
    page = client.get("/me/sessions/").content.decode()
    assert "Room 3" in page
    assert "Discussed avoidance" not in page


def test_a_supervisor_reads_but_an_intake_coordinator_cannot_book(world, client):
    sign_in(client, world["intake"])
    url = f"/episodes/{world.episode.pk}/sessions/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "phone",
            "therapist": world["therapist"].pk,
            "starts_at": _tomorrow_at_ten(),
            "minutes": 30,
        },
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()
