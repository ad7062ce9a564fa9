"""Audit purposes: reads through a grant are "consultation", and the patient sees them."""

from __future__ import annotations

import pytest
from django.core import mail

from tessera.consultation import actions
from tessera.core.models import AuditEvent
from tests.consultation.consultation_helpers import ask, comment

pytestmark = pytest.mark.django_db


def _last(action, actor):
    return AuditEvent.objects.filter(action=action, actor=actor).order_by("-id").first()


def test_a_read_through_the_grant_is_audited_as_consultation(world, client, login):
    ask(world)
    login(world["colleague"])
    assert client.get(f"/patients/{world.patient.pk}/").status_code == 200
    assert client.get(f"/patients/{world.patient.pk}/plan/").status_code == 200
    for action in ["patient.viewed", "plan.viewed"]:
        event = _last(action, world["colleague"])
        assert event.purpose == AuditEvent.Purpose.CONSULTATION
        assert event.patient == world.patient
        assert event.clinic == world.clinic
        assert event.actor_role == "therapist"


def test_reads_by_own_role_keep_their_purpose(world, client, login):
    ask(world)
    for kind in ["therapist", "supervisor"]:
        login(world[kind])
        client.get(f"/patients/{world.patient.pk}/")
        assert _last("patient.viewed", world[kind]).purpose == AuditEvent.Purpose.CARE
    login(world["patient"])
    client.get("/me/")
    assert _last("patient.viewed", world["patient"]).purpose == AuditEvent.Purpose.SELF


def test_the_patient_sees_the_consultation_in_who_has_seen_my_record(world, client, login):
    ask(world)
    login(world["colleague"])
    client.get(f"/patients/{world.patient.pk}/")
    login(world["patient"])
    page = client.get("/me/access-log/").content.decode()
    assert "Therapist at Clinic alpha" in page
    assert "consultation" in page
    assert "A colleague was consulted about your care" in page  # the label, not the code
    assert "consultation.requested" not in page
    assert world["colleague"].email not in page and "Staffcolleague" not in page


def test_grant_comments_and_ending_are_audited_without_text(world):
    request = ask(world, question="Secret question text", draft="Secret draft")
    comment(request, world["colleague"], "Secret comment text")
    actions.do_end_consultation(request, acting_user=world["therapist"])
    events = list(AuditEvent.objects.filter(action__startswith="consultation."))
    assert {e.action for e in events} >= {
        "consultation.requested",
        "consultation.commented",
        "consultation.ended",
    }
    for event in events:
        assert event.purpose == AuditEvent.Purpose.CONSULTATION
        assert event.patient == world.patient
        assert "Secret" not in str(event.changes)


def test_the_colleague_is_told_by_email_without_patient_details(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world, question="Pia sleeps badly", link_base="https://tessera.example")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world["colleague"].email]
    assert f"https://tessera.example/consultations/{request.pk}/" in message.body
    for secret in ["Pia", "Larsson", "sleeps", world.clinic.name]:
        assert secret not in message.body and secret not in message.subject


def test_a_request_to_the_supervisor_mails_every_supervisor(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(world, to_supervisors=True)
    assert [m.to for m in mail.outbox] == [[world["supervisor"].email]]


def test_supervision_reads_and_notes_are_audited_as_supervision(world, client, login):
    login(world["supervisor"])
    client.post(f"/supervision/cases/{world.episode.pk}/follow/")
    client.post(
        f"/supervision/cases/{world.episode.pk}/",
        {
            "text": "Secret supervision note",
            "submission_key": "0b6f1f1c-1111-4a4a-9c9c-000000000001",
        },
    )
    client.get(f"/supervision/cases/{world.episode.pk}/")
    client.get("/supervision/")
    for action in [
        "supervision.case_followed",
        "supervision.note_added",
        "supervision.viewed",
        "supervision.list_viewed",
    ]:
        event = _last(action, world["supervisor"])
        assert event is not None, action
        assert event.purpose == AuditEvent.Purpose.SUPERVISION
        assert "Secret" not in str(event.changes)
