"""Input longer than the server keeps is refused with a message, never cut silently
(issue 13): worksheets (button and autosave), diary entries, and the other endpoints
that used to shorten or drop what was sent. The typed text is shown back: nothing lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.treatment import worksheets
from tessera.treatment.models import DiaryEntry, WorksheetAnswer
from tests.treatment.homework_fixtures import add_homework

LONG = "x" * (worksheets.MAX_TEXT + 1)


@pytest.fixture
def plan(plan):
    """The shared plan (tests/conftest.py) with a homework step."""
    add_homework(plan)
    return plan


def save_url(plan):
    return reverse("worksheet_save", args=[plan.entry.pk, 2])


def test_an_over_long_worksheet_autosave_is_refused_and_nothing_is_written(world, plan, login):
    client = login(world["patient"])
    client.post(save_url(plan), {"situation": "first draft"}, HTTP_X_AUTOSAVE="1")
    response = client.post(save_url(plan), {"situation": LONG}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 400
    body = response.json()
    assert body["fields"] == ["situation"] and "20,000" in body["error"]
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"] == "first draft"


def test_an_over_long_worksheet_post_is_shown_back_with_a_message(world, plan, login):
    client = login(world["patient"])
    typed = "kept " + LONG
    response = client.post(save_url(plan), {"situation": typed, "mood": "4", "send": "1"})
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="situation-error"' in text and 'aria-invalid="true"' in text
    assert f"{len(typed):,}" in text and typed in text  # the whole text, as typed
    assert 'value="4"' in text
    assert not WorksheetAnswer.objects.filter(entry=plan.entry).exists()


def test_an_over_long_table_cell_is_refused_not_cut(world, plan, login):
    client = login(world["patient"])
    response = client.post(
        save_url(plan), {"diary-0-day": "2026-03-02", "diary-0-what": LONG}, HTTP_X_AUTOSAVE="1"
    )
    assert response.status_code == 400 and response.json()["fields"] == ["diary-0-what"]
    assert not WorksheetAnswer.objects.filter(entry=plan.entry).exists()


def test_table_rows_past_the_limit_are_refused_not_dropped(world, plan, login):
    data = {f"diary-{i}-what": f"row {i}" for i in range(worksheets.MAX_ROWS + 1)}
    response = login(world["patient"]).post(save_url(plan), data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 400 and response.json()["fields"] == ["diary"]
    exactly = {f"diary-{i}-what": f"row {i}" for i in range(worksheets.MAX_ROWS)}
    assert (
        login(world["patient"]).post(save_url(plan), exactly, HTTP_X_AUTOSAVE="1").status_code
        == 200
    )
    assert len(WorksheetAnswer.objects.get(entry=plan.entry).values["diary"]) == worksheets.MAX_ROWS


def test_a_worksheet_of_exactly_the_limit_is_kept_whole(world, plan, login):
    text = "y" * worksheets.MAX_TEXT
    response = login(world["patient"]).post(
        save_url(plan), {"situation": text}, HTTP_X_AUTOSAVE="1"
    )
    assert response.status_code == 200
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"] == text


def test_an_over_long_diary_entry_is_refused_and_shown_back(world, plan, login):
    url = reverse("diary_register", args=[plan.entry.pk, plan.homework.position])
    page = login(world["patient"]).get(url).content.decode()
    key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    response = login(world["patient"]).post(
        url, {"submission_key": key, "activity": LONG, "mood": "5", "times-0-note": ""}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="activity-error"' in text and LONG in text
    assert not DiaryEntry.objects.exists()


# --- other endpoints that used to cut what they were sent -----------------------------


def test_research_notes_past_their_column_are_refused_not_cut(world):
    from django.core.exceptions import ValidationError

    from tessera.research import actions
    from tessera.research.models import Deviation
    from tests.research.fixtures import build_study, new_participant

    ns = build_study(world)
    participant = new_participant(world, 1)
    participant.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        actions.do_unblind(participant, acting_user=ns.investigator, reason="r" * 301)
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as refused:
        actions.do_record_deviation(
            ns.study, acting_user=ns.investigator, description="d" * 501, participant=participant
        )
    assert list(refused.value.message_dict) == ["description"]
    with pytest.raises(ValidationError) as refused:
        actions.do_discontinue(
            participant, acting_user=ns.investigator, reason="discontinued", note="n" * 301
        )
    assert list(refused.value.message_dict) == ["note"]
    participant.refresh_from_db()
    assert not participant.unblinded_at and not participant.discontinued_at
    assert not Deviation.objects.exists()
    kept = actions.do_unblind(participant, acting_user=ns.investigator, reason="r" * 300)
    assert kept.unblinding_reason == "r" * 300


def test_an_over_long_fhir_phone_is_refused_with_422_not_cut(world, client):
    from tessera.fhir.models import ReferrerClient
    from tessera.intake.models import Application
    from tests.fhir.test_fhir_referral_intake import body, expressions, patient, post

    _ref, token = ReferrerClient.issue(world.clinic, "VC Norr")
    data = body()
    patient(data)["telecom"].append({"system": "phone", "value": "0" * 31})
    response = post(client, token, data)
    assert response.status_code == 422, response.content
    assert expressions(response) == ["Patient.telecom"]
    assert not Application.objects.exists()


def test_an_over_long_message_draft_is_refused_and_the_saved_draft_kept(world, client, login):
    from tessera.messaging.actions import MAX_BODY
    from tessera.messaging.models import MessageDraft
    from tests.messaging.test_messaging_views import ME, key_on

    login(world.patient.user)
    key = key_on(client.get(ME))
    url = reverse("my_messages_draft")
    assert client.post(url, {"body": "Half a thought", "submission_key": key}).status_code == 200
    response = client.post(url, {"body": "z" * (MAX_BODY + 1), "submission_key": key})
    assert response.status_code == 400 and b"10000" in response.content
    assert MessageDraft.objects.get().body == "Half a thought"


def test_an_over_long_draft_to_check_comes_back_whole_with_a_message(world, client, login):
    from tessera.feedback.forms import MAX_DRAFT
    from tests.plan_fixtures import build_plan

    build_plan(world)
    login(world["therapist"])
    url = reverse("feedback_check", args=[world.episode.pk])
    draft = "w" * (MAX_DRAFT + 5)
    response = client.post(url, {"body": draft})
    text = response.content.decode()
    assert response.status_code == 400 and draft in text and 'role="alert"' in text


def test_session_and_episode_notes_past_their_column_are_refused_not_cut(world):
    from django.core.exceptions import ValidationError

    from tessera.appointments import actions as sessions
    from tessera.appointments.models import Appointment, ChangeRequest
    from tessera.core.models import Episode
    from tessera.portal.ending import do_end_episode
    from tests.appointments.test_appointments import book

    therapist = world["therapist"]
    session = book(world, hours=48)
    cases = [
        (
            lambda: sessions.do_cancel_appointment(
                session, acting_user=therapist, reason="c" * 301
            ),
            "cancel_reason",
        ),
        (
            lambda: sessions.do_ask_to_change_session(
                session, acting_user=world.patient.user, kind="move", note="m" * 1001
            ),
            "note",
        ),
        (
            lambda: sessions.do_change_care_model(
                world.episode, acting_user=therapist, to_model="blended", reason="r" * 501
            ),
            "reason",
        ),
        (
            lambda: do_end_episode(
                world.episode, acting_user=therapist, reason="completed", note="e" * 501
            ),
            "note",
        ),
    ]
    for call, field in cases:
        with pytest.raises(ValidationError) as refused:
            call()
        assert field in refused.value.message_dict
    assert Appointment.objects.get(pk=session.pk).status == Appointment.Status.BOOKED
    assert not ChangeRequest.objects.exists()
    episode = Episode.objects.get(pk=world.episode.pk)
    assert episode.status != Episode.Status.ENDED and episode.care_model != "blended"


def test_a_referral_s_gp_details_fit_the_patient_s_columns_whole():
    """Accepting a referred application copies the referrer's details to the patient:
    each column must hold what the referral form took, so nothing is cut on the way."""
    from tessera.core.models import Patient
    from tessera.intake.models import Referral

    copied = {
        "gp_name": "referrer_name",
        "gp_practice": "organisation",
        "gp_phone": "phone",
        "gp_email": "secure_email",
    }
    for target, source in copied.items():
        into = Patient._meta.get_field(target).max_length
        taken = Referral._meta.get_field(source).max_length
        assert into >= taken, (target, into, source, taken)
