"""Asking for help: a moderate alert with the patient's words, told to the staff on call."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tessera.automation.actions import do_ask_for_help
from tessera.core.models import AuditEvent
from tessera.notifications.models import Notification
from tessera.safety.models import RiskAlert
from tests.conftest import sign_in


def test_the_patient_asks_for_help_and_the_on_call_staff_are_told(
    client, unguided, django_capture_on_commit_callbacks
):
    sign_in(client, unguided.patient.user)
    page = client.get(reverse("my_plan"))
    assert reverse("ask_for_help") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ask_for_help"), {"text": "I feel much worse this week."})
    assert response.status_code == 302 and response["Location"] == reverse("ask_for_help_sent")
    alert = RiskAlert.objects.get()
    assert (alert.source, alert.severity, alert.concern) == (
        "help",
        "moderate",
        "I feel much worse this week.",
    )
    assert alert.episode == unguided.episode and alert.raised_by == unguided.patient.user
    told = Notification.objects.get(kind="risk_alert")
    assert told.recipient == unguided.on_call and told.state == "sent"
    [email] = mail.outbox
    assert email.to == [unguided.on_call.email] and "worse" not in email.body
    assert AuditEvent.objects.filter(action="risk_alert.help_requested").count() == 1
    sent = client.get(reverse("ask_for_help_sent"))
    assert "Emergency" in sent.content.decode()  # the clinic's crisis contacts
    # The on-call member of staff now sees the episode (safety's rule for open alerts).
    from tessera.core.models import Episode

    assert Episode.objects.visible_to(unguided.on_call).filter(pk=unguided.episode.pk).exists()


def test_an_empty_request_shows_a_message_beside_the_field(client, unguided):
    sign_in(client, unguided.patient.user)
    response = client.post(reverse("ask_for_help"), {"text": "   "})
    assert response.status_code == 200
    assert (
        'aria-invalid="true"' in response.content.decode() or "error" in response.content.decode()
    )
    assert RiskAlert.objects.count() == 0


def test_a_double_click_opens_one_alert(unguided):
    user = unguided.patient.user
    first = do_ask_for_help(unguided.episode, acting_user=user, text="Please call me")
    again = do_ask_for_help(unguided.episode, acting_user=user, text="Please call me")
    assert first == again and RiskAlert.objects.count() == 1


def test_only_the_patient_of_the_episode_may_ask(unguided, world):
    with pytest.raises(PermissionDenied):
        do_ask_for_help(unguided.episode, acting_user=world.patient.user, text="x")
    with pytest.raises(ValidationError):
        do_ask_for_help(unguided.episode, acting_user=unguided.patient.user, text="x" * 2001)


def test_guided_patients_see_no_link_but_may_still_ask(client, world):
    sign_in(client, world.patient.user)
    assert reverse("ask_for_help") not in client.get(reverse("my_plan")).content.decode()
    assert client.get(reverse("ask_for_help")).status_code == 200


def test_the_help_page_left_open_when_the_treatment_ended_gives_the_crisis_numbers(
    client, unguided
):
    """Found at the edges: the page was open when the clinic ended the treatment; "Send
    to my clinic" answered "Page not found", the words lost and no number to call."""
    from tessera.core.models import Episode

    sign_in(client, unguided.patient.user)
    assert client.get(reverse("ask_for_help")).status_code == 200
    Episode.objects.filter(pk=unguided.episode.pk).update(status=Episode.Status.ENDED)
    response = client.post(reverse("ask_for_help"), {"text": "I cannot cope <any more>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your treatment has ended, so this page no longer sends anything" in page
    assert "Your message was not sent." in page
    assert "I cannot cope &lt;any more&gt;" in page
    assert "Emergency" in page  # the clinic's crisis contacts
    assert RiskAlert.objects.count() == 0
    later = client.get(reverse("ask_for_help")).content.decode()
    assert "Emergency" in later and "Your message was not sent." not in later


def test_the_sent_page_opened_again_after_the_treatment_ended_gives_the_crisis_numbers(
    client, unguided
):
    """Found at the edges (decision 0100): "Sent" reopened from the browser's history after
    discharge was a bare "Page not found", with no number to call on it."""
    from tessera.core.models import Episode

    sign_in(client, unguided.patient.user)
    client.post(reverse("ask_for_help"), {"text": "I cannot cope"})
    assert client.get(reverse("ask_for_help_sent")).status_code == 200
    Episode.objects.filter(pk=unguided.episode.pk).update(status=Episode.Status.ENDED)
    response = client.get(reverse("ask_for_help_sent"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your treatment has ended, so this page no longer sends anything" in page
    assert "Emergency" in page and "Your message was not sent." not in page
