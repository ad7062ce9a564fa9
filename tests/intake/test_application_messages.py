"""Applicants write to the clinic before they are accepted (issue 14): the message
reaches the intake team (notified without its content, shown in the queue), is audited,
is answered from the application's page, and a double post is one message."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.intake import actions
from tessera.intake.models import ApplicationMessage
from tessera.notifications.models import Notification
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application

QUESTION = "I work nights. Can the assessment be in the afternoon?"


def _write(application, body=QUESTION, key=None):
    return actions.do_write_to_clinic(
        application,
        acting_user=application.applicant,
        body=body,
        submission_key=key or uuid.uuid4(),
    )


def test_a_message_reaches_the_intake_team_without_its_content(
    world, django_capture_on_commit_callbacks
):
    application = make_application(world.clinic, "ada@apply.test")
    with django_capture_on_commit_callbacks(execute=True):
        message = _write(application)
    (told,) = Notification.objects.filter(recipient=world["intake"], kind="applicant_wrote")
    assert told.link == reverse("intake_application", args=[application.pk])
    assert QUESTION not in str(told.__dict__)
    # coordinators are told; the other intake roles see it in the queue
    assert not Notification.objects.filter(recipient=world["assessor"]).exists()
    event = AuditEvent.objects.get(action="application.message_sent")
    assert event.purpose == "self" and event.object_id == str(message.pk)


def test_the_same_message_sent_twice_is_one(world):
    application = make_application(world.clinic, "ada@apply.test")
    key = uuid.uuid4()
    assert _write(application, key=key) == _write(application, key=key)
    assert ApplicationMessage.objects.count() == 1


def test_a_draft_or_someone_elses_application_cannot_be_written_about(world):
    draft = make_application(world.clinic, "dee@apply.test", submit=False)
    with pytest.raises(PermissionDenied):
        _write(draft)
    sent = make_application(world.clinic, "ada@apply.test")
    with pytest.raises(PermissionDenied):
        actions.do_write_to_clinic(
            sent, acting_user=world.patient.user, body="x", submission_key=uuid.uuid4()
        )


def test_the_team_answers_and_the_applicant_is_told(world, django_capture_on_commit_callbacks):
    application = make_application(world.clinic, "ada@apply.test")
    _write(application)
    with django_capture_on_commit_callbacks(execute=True):
        answer = actions.do_answer_applicant(
            application,
            acting_user=world["intake"],
            body="Yes, we can do 14:00.",
            submission_key=uuid.uuid4(),
        )
    assert answer.from_clinic
    assert not ApplicationMessage.objects.unread_by_clinic().exists()  # answered is read
    (told,) = Notification.objects.filter(
        recipient=application.applicant, kind="application_answered"
    )
    assert told.link == reverse("intake_status", args=[application.pk])
    assert AuditEvent.objects.filter(action="application.message_answered").count() == 1
    with pytest.raises(PermissionDenied):
        actions.do_answer_applicant(
            application, acting_user=world["therapist"], body="x", submission_key=uuid.uuid4()
        )


def test_the_applicant_writes_from_the_status_page(world, client):
    application = make_application(world.clinic, "ada@apply.test")
    sign_in(client, application.applicant)
    status = reverse("intake_status", args=[application.pk])
    page = client.get(status).content.decode()
    assert "Write to the clinic" in page and 'name="submission_key"' in page
    key = str(uuid.uuid4())
    url = reverse("intake_write_to_clinic", args=[application.pk])
    for _ in range(2):  # a double click
        response = client.post(url, {"body": QUESTION, "submission_key": key})
        assert response.status_code == 302
    assert ApplicationMessage.objects.count() == 1
    assert QUESTION in client.get(status).content.decode()


def test_the_queue_shows_who_wrote_and_the_page_marks_it_read(world, login):
    application = make_application(world.clinic, "ada@apply.test")
    _write(application)
    client = login(world["intake"])
    queue = client.get(reverse("intake_queue")).content.decode()
    assert "One applicant has written and waits for an answer." in queue
    assert "New message" in queue
    only_messages = client.get(reverse("intake_queue") + "?messages=on").content.decode()
    assert application.reference in only_messages
    page = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert QUESTION in page and "Send the answer" in page
    assert not ApplicationMessage.objects.unread_by_clinic().exists()
    assert "waits for an answer" not in client.get(reverse("intake_queue")).content.decode()
