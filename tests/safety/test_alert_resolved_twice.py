""" "Resolve the alert" sent for an alert already resolved (a double click, a second tab,
a colleague who resolved it first) answered 400 with the alert's page and no word why:
a resolved alert's page draws no form, so the form's error was never shown, and a note
typed in the second tab was lost. Now the page says nothing was changed, and a note that
is not the one recorded is shown back to copy (decision 0100)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.safety.models import RiskAlert
from tests.conftest import sign_in
from tests.safety.test_safety_alerts import PHQ9_ITEM9_TWO, submit_phq9

SAID = "Nothing was changed: this alert had already been resolved."


@pytest.fixture
def alert(world, django_capture_on_commit_callbacks):
    submit_phq9(world, PHQ9_ITEM9_TWO, capture=django_capture_on_commit_callbacks)
    return RiskAlert.objects.get(episode=world.episode)


def test_resolve_sent_twice_says_it_was_already_resolved(world, alert, client):
    sign_in(client, world["therapist"])
    url = reverse("risk_alert_resolve", args=[alert.pk])
    body = {"action": "phoned", "action_note": "Called; safe with her sister tonight."}
    assert client.post(url, body).status_code == 302
    again = client.post(url, body, follow=True)  # a double click
    assert again.status_code == 200
    assert SAID in again.content.decode()
    assert RiskAlert.objects.get(pk=alert.pk).action_note == body["action_note"]


def test_a_note_from_a_second_tab_is_shown_back_to_copy(world, alert, client):
    sign_in(client, world["therapist"])
    url = reverse("risk_alert_resolve", args=[alert.pk])
    client.post(url, {"action": "phoned", "action_note": "Called; safe tonight."})
    other = {"action": "assessed", "action_note": "Wrote to her <about> the plan."}
    response = client.post(url, other)  # the tab opened before, another note typed
    assert response.status_code == 200
    page = response.content.decode()
    assert SAID in page
    assert "Wrote to her &lt;about&gt; the plan." in page
    assert RiskAlert.objects.get(pk=alert.pk).action_note == "Called; safe tonight."
