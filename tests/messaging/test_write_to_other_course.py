"""A patient with two open courses writes to the other course's care team from Tessera
(decision 0158): the other course's page has the Messages page's form, its own draft
(autosaved per course), the same checks and the not-sent copy. Before, the page said
messages could not be written there and gave the clinic's phone."""

import datetime as dt
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent, Episode
from tessera.messaging.models import Message, MessageDraft
from tessera.treatment.actions import do_open_episode
from tests.conftest import sign_in


def _two_open(world):
    """world.episode (clinic alpha) still open; a newer open course at clinic beta, the
    one Messages shows."""
    later = do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )
    return world.episode, later


def _page(episode):
    return reverse("my_earlier_messages", args=[episode.pk])


def test_it_writes_to_the_other_course_s_care_team(world):
    first, later = _two_open(world)
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(_page(first))
    body = page.content.decode()
    assert page.status_code == 200 and page.context["form"] is not None
    assert "<textarea" in body and "Write to Clinic alpha" in body
    assert reverse("my_earlier_messages_draft", args=[first.pk]) in body
    key = page.context["form"].initial["submission_key"]
    response = patient.post(_page(first), {"body": "Hello alpha", "submission_key": key})
    assert response.status_code == 302 and response["Location"] == _page(first)
    sent = Message.objects.get(body="Hello alpha")
    assert sent.episode_id == first.pk and sent.from_patient
    assert AuditEvent.objects.filter(
        action="message.sent", object_id=str(sent.pk), actor=world.patient.user
    ).exists()
    # Sent twice (a second click, a page sent again): one message.
    again = patient.post(_page(first), {"body": "Hello alpha", "submission_key": key})
    assert again.status_code == 302
    assert Message.objects.filter(body="Hello alpha").count() == 1
    assert "Hello alpha" in patient.get(_page(first)).content.decode()
    assert "Hello alpha" not in patient.get(reverse("my_messages")).content.decode()
    # Alpha's therapist reads it in alpha's course; beta's therapist never sees it.
    alpha = sign_in(Client(), world["therapist"])
    conversation = reverse("episode_messages", args=[first.pk])
    assert "Hello alpha" in alpha.get(conversation).content.decode()
    assert conversation in alpha.get(reverse("inbox")).content.decode()  # waiting for a reply
    beta = sign_in(Client(), world["other_therapist"])
    assert beta.get(reverse("episode_messages", args=[first.pk])).status_code == 404
    shown = beta.get(reverse("episode_messages", args=[later.pk])).content.decode()
    assert "Hello alpha" not in shown
    assert conversation not in beta.get(reverse("inbox")).content.decode()


def test_a_draft_is_kept_per_course(world):
    first, later = _two_open(world)
    patient = sign_in(Client(), world.patient.user)
    draft_url = reverse("my_earlier_messages_draft", args=[first.pk])
    saved = patient.post(draft_url, {"body": "Half a word to alpha"})
    assert saved.status_code == 200 and "Draft saved" in saved.content.decode()
    patient.post(reverse("my_messages_draft"), {"body": "Half a word to beta"})
    drafts = dict(MessageDraft.objects.values_list("episode_id", "body"))
    assert drafts == {first.pk: "Half a word to alpha", later.pk: "Half a word to beta"}
    assert "Half a word to alpha" in patient.get(_page(first)).content.decode()
    main = patient.get(reverse("my_messages")).content.decode()
    assert "Half a word to beta" in main and "Half a word to alpha" not in main
    # Another patient's course: "Page not found", nothing saved.
    other = sign_in(Client(), world.other_patient.user)
    assert other.post(draft_url, {"body": "x"}).status_code == 404
    assert MessageDraft.objects.get(episode=first).body == "Half a word to alpha"


def test_a_failed_send_keeps_the_text(world):
    first, _later = _two_open(world)
    patient = sign_in(Client(), world.patient.user)
    key = str(uuid.uuid4())
    # The same checks as Messages: too long is said on the form, the text kept.
    response = patient.post(_page(first), {"body": "x" * 10_001, "submission_key": key})
    assert response.status_code == 200 and response.context["form"].errors
    assert "x" * 10_001 in response.content.decode()
    # The course ended while the page was open: said, and the text shown back to copy.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Episode.objects.filter(pk=first.pk).update(
        status="ended", ended_on=yesterday, read_only_from=yesterday
    )
    response = patient.post(_page(first), {"body": "Still there?", "submission_key": key})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Your message was not sent." in body and "Still there?" in body
    assert not Message.objects.filter(body="Still there?").exists()


def test_the_other_course_without_a_therapist_offers_no_form(world):
    first, _later = _two_open(world)
    Episode.objects.filter(pk=first.pk).update(therapist=None)
    patient = sign_in(Client(), world.patient.user)
    response = patient.get(_page(first))
    assert response.context["form"] is None and "<textarea" not in response.content.decode()
    response = patient.post(_page(first), {"body": "Anyone?"})
    assert response.status_code == 409 and "Anyone?" in response.content.decode()
    assert not Message.objects.filter(body="Anyone?").exists()
