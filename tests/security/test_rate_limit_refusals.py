"""Requests refused by a rate limit are answered 429 with Retry-After, in the site's page,
and audited once a minute per limit and address (issue 13, #3 and #4); allauth's own limits
(sign-up, password reset ...) answer the same way."""

import datetime as dt

import time_machine
from django.urls import reverse

from tessera.core.models import AuditEvent
from tests.intake.test_intake_referral_pages import _another


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_refused_referral_is_audited_once_a_minute_at_its_clinic(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "1/h"}
    url = reverse("intake_refer", args=["alpha"])
    assert client.post(url, _another(0)).status_code == 302
    for i in range(3):  # others (the same one sent again is its receipt: decision 0070)
        assert client.post(url, _another(i + 1)).status_code == 429
    event = AuditEvent.objects.get(action="security.rate_limited")
    assert event.changes["limit"] == "referral_form"
    assert event.clinic_id == world.clinic.pk


def test_allauths_limits_answer_429_with_retry_after_and_are_audited(world, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "reset_password": "1/m/ip"}
    url = reverse("account_reset_password")
    assert client.post(url, {"email": "nobody@example.org"}).status_code == 302
    response = client.post(url, {"email": "nobody2@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests" in response.content.decode()
    event = AuditEvent.objects.get(action="security.rate_limited")
    assert event.changes["limit"] == "allauth"
