"""A staff message in an ended course once the patient has a later one (decision 0148).

The patient's messages page shows their open course, else their latest: a message
written in an older course's conversation was sent, the patient was told "You have a
new message", and the page they opened never showed it."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tessera.messaging import actions
from tessera.messaging.models import Message
from tessera.notifications.models import Notification
from tessera.portal.ending import do_end_episode
from tessera.treatment.actions import do_open_episode
from tests.conftest import sign_in


def _ended(world):
    do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")
    world.episode.refresh_from_db()
    return world.episode


def _later_course(world):
    return do_open_episode(
        world.patient, world.clinic, status="active", therapist=world["colleague"]
    )


def test_it_refuses_a_message_the_patient_would_never_see(world):
    ended = _ended(world)
    _later_course(world)
    with pytest.raises(ValidationError) as refused:
        actions.do_send_message(
            ended, acting_user=world["therapist"], body="Hello", submission_key=uuid.uuid4()
        )
    assert refused.value.messages == [str(actions.ELSEWHERE)]
    assert not Message.objects.filter(body="Hello").exists()
    assert not Notification.objects.filter(kind="new_message").exists()


def test_the_page_says_why_and_gives_back_what_was_written(world):
    ended = _ended(world)
    staff = sign_in(Client(), world["therapist"])
    url = reverse("episode_messages", args=[ended.pk])
    key = str(staff.get(url).context["form"]["submission_key"].value())  # drawn before
    _later_course(world)
    page = staff.get(url)
    assert page.context["form"] is None
    assert 'id="elsewhere-notice"' in page.content.decode()
    response = staff.post(url, {"body": "Your discharge summary", "submission_key": key})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Your message was not sent." in body and "Your discharge summary" in body
    assert not Message.objects.filter(body="Your discharge summary").exists()


def test_staff_still_write_after_the_end_while_it_is_the_patients_latest_course(world):
    ended = _ended(world)
    actions.do_send_message(
        ended, acting_user=world["therapist"], body="Take care", submission_key=uuid.uuid4()
    )
    page = sign_in(Client(), world.patient.user).get(reverse("my_messages"))
    assert "Take care" in page.content.decode()
