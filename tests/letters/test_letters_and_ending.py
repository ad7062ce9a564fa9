"""Letters to the GP, and ending an episode with its letter and after-care measures."""

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tessera.appointments import actions as sessions
from tessera.core.models import AuditEvent
from tessera.letters.actions import do_write_letter
from tessera.letters.models import Letter
from tessera.letters.render import to_pdf
from tessera.portal.ending import do_end_episode
from tessera.safety.actions import do_raise_concern, do_resolve
from tessera.treatment import actions as treatment
from tessera.treatment.ending import patient_may_write
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import begun_by, sign_in
from tests.gp_letters import agree_to_gp_letters

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture
def consenting(world):
    agree_to_gp_letters(world)
    return world


def answer_phq9(world, due, value):
    treatment.do_submit_response(
        due,
        dict.fromkeys(range(1, 10), value) | {9: 0},
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )


def test_no_letter_without_the_patients_agreement(world):
    with pytest.raises(ValidationError) as err:
        do_write_letter(world.episode, "started", acting_user=world["therapist"])
    assert "not agreed" in err.value.messages[0]


def test_a_letter_is_stored_as_written_and_printable_as_pdf(consenting):
    w = consenting
    letter = do_write_letter(w.episode, "started", acting_user=w["therapist"])
    assert "Dr Eva Ek" in letter.html and "Pia" in letter.html
    assert letter.language == "sv"  # the clinic's first language: the GP's
    pdf = to_pdf(letter)
    assert pdf.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="letter.written", patient=w.patient).exists()
    assert mail.outbox == []  # letters are never e-mailed


def test_an_open_risk_alert_blocks_the_ending(consenting):
    w = consenting
    alert = do_raise_concern(w.episode, acting_user=w["therapist"], concern="x", severity="high")
    with pytest.raises(ValidationError) as err:
        do_end_episode(w.episode, acting_user=w["therapist"], reason="completed")
    assert "risk alert" in str(err.value)
    do_resolve(alert, acting_user=w["therapist"], action="phoned", note="Fine")
    assert do_end_episode(w.episode, acting_user=w["therapist"], reason="completed").letter


def test_dropping_out_needs_a_reason(world):
    with pytest.raises(ValidationError) as err:
        do_end_episode(world.episode, acting_user=world["therapist"], reason="dropped_out")
    assert "note" in err.value.message_dict


def test_a_blended_episode_ends_as_a_finished_course_with_a_letter(consenting):
    w = consenting
    w.clinic.languages = ["en", "sv"]  # the letter is in the clinic's first language
    w.clinic.save(update_fields=["languages"])
    for rule in ("post", "follow_up_3", "follow_up_12"):
        MeasureRule.objects.create(clinic=w.clinic, instrument="PHQ-9", time_point=rule)
    sessions.do_change_care_model(
        w.episode, acting_user=w["therapist"], to_model="blended", reason="Wants to meet"
    )
    for days in (14, 7):
        session = sessions.do_book_appointment(
            w.episode,
            acting_user=w["therapist"],
            therapist=w["therapist"],
            kind="face_to_face",
            place="Room 1",
            starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days),
        )
        sessions.do_record_session(session, acting_user=w["therapist"], status="attended")
    weekly = DueMeasure.objects.filter(episode=w.episode, instrument="PHQ-9", time_point="weekly")
    answer_phq9(w, w.due, 2)  # 16 before treatment (item 9 answered 0)
    answer_phq9(w, weekly.order_by("sequence")[0], 0)  # 0 in week one
    gad_weekly = DueMeasure.objects.filter(
        episode=w.episode, instrument="GAD-7", time_point="weekly"
    ).order_by("sequence")[0]
    treatment.do_submit_response(  # GAD-7 7 before (the world's), 0 in week one
        gad_weekly,
        dict.fromkeys(range(1, 8), 0),
        acting_user=w.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    ended_on = dt.date(2026, 11, 27)
    begun_by(w.episode, ended_on)
    ended = do_end_episode(
        w.episode, acting_user=w["therapist"], reason="completed", ended_on=ended_on
    )
    letter = ended.letter
    assert letter.kind == "ended"
    html = " ".join(letter.html.split())
    assert "<td>16</td><td>0</td>" in html and "<td>7</td><td>0</td>" in html
    assert "2 attended treatment contacts" in html
    assert "not finished" not in html
    assert "Recovered" in html and "Reliable improvement" in html
    assert ended.episode.read_only_from == ended_on + dt.timedelta(days=30)
    assert not DueMeasure.objects.filter(
        episode=w.episode, time_point="weekly", cancelled=False, completed_at__isnull=True
    ).exists()
    follow_up = DueMeasure.objects.get(episode=w.episode, time_point="follow_up_3")
    assert follow_up.due_at.astimezone(STOCKHOLM).date() == ended_on + dt.timedelta(days=91)
    post = DueMeasure.objects.get(episode=w.episode, instrument="PHQ-9", time_point="post")
    assert post.due_at.astimezone(STOCKHOLM).date() == ended_on and not post.cancelled


def test_the_patient_may_write_until_the_read_only_date(world):
    begun_by(world.episode, dt.date(2026, 11, 1))
    ended = do_end_episode(
        world.episode,
        acting_user=world["therapist"],
        reason="completed",
        ended_on=dt.date(2026, 11, 1),
    ).episode
    assert patient_may_write(ended, today=dt.date(2026, 11, 30))
    assert not patient_may_write(ended, today=dt.date(2026, 12, 1))


def test_the_end_page_writes_the_letter(consenting, client):
    w = consenting
    sign_in(client, w["therapist"])
    url = f"/episodes/{w.episode.pk}/end/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "transferred"}).status_code == 400
    done = client.post(url, {"reason": "completed"})
    letter = Letter.objects.get()
    assert done["Location"] == f"/letters/{letter.pk}/"
    pdf = client.get(f"/letters/{letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "Pia" not in pdf["Content-Disposition"]


def test_letters_of_another_clinic_are_hidden(consenting, client):
    letter = do_write_letter(consenting.episode, "started", acting_user=consenting["therapist"])
    sign_in(client, consenting["other_therapist"])
    assert client.get(f"/letters/{letter.pk}/").status_code == 404
    assert client.get(f"/letters/{letter.pk}/pdf/").status_code == 404


def test_a_letter_for_a_one_contact_course_says_not_finished_and_gives_no_labels(consenting):
    """Issue 12: labels only for a finished course (two attended treatment contacts and
    paired scores, NHS Talking Therapies); otherwise the scores alone."""
    w = consenting
    w.clinic.languages = ["en", "sv"]  # the letter is in the clinic's first language
    w.clinic.save(update_fields=["languages"])
    sessions.do_change_care_model(
        w.episode, acting_user=w["therapist"], to_model="blended", reason="Wants to meet"
    )
    session = sessions.do_book_appointment(
        w.episode,
        acting_user=w["therapist"],
        therapist=w["therapist"],
        kind="face_to_face",
        place="Room 1",
        starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=7),
    )
    sessions.do_record_session(session, acting_user=w["therapist"], status="attended")
    weekly = DueMeasure.objects.filter(episode=w.episode, instrument="PHQ-9", time_point="weekly")
    answer_phq9(w, w.due, 2)  # 16 before treatment
    answer_phq9(w, weekly.order_by("sequence")[0], 0)  # 0 a week later
    gad_weekly = DueMeasure.objects.filter(
        episode=w.episode, instrument="GAD-7", time_point="weekly"
    ).order_by("sequence")[0]
    treatment.do_submit_response(
        gad_weekly,
        dict.fromkeys(range(1, 8), 0),
        acting_user=w.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    ended = do_end_episode(w.episode, acting_user=w["therapist"], reason="completed")
    html = " ".join(ended.letter.html.split())
    assert "<td>16</td><td>0</td>" in html  # the scores are shown
    assert "1 attended treatment contact " in html
    assert "The course was not finished" in html
    assert "Recovered" not in html and "Reliable improvement" not in html
