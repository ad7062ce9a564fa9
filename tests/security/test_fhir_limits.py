"""The FHIR interface is limited per token, and its failures are audited (issue 13, #6, #7)."""

import json

from tessera.core.models import AuditEvent
from tessera.fhir.models import ReferrerClient
from tessera.intake.models import Application
from tests.fhir.test_fhir_referral_intake import body
from tests.intake.intake_helpers import consent_for


def _post(client, token, n):
    data = body(identifier=[{"system": "urn:example:gp", "value": f"REF-{n}"}])
    return client.post(
        "/fhir/ServiceRequest",
        json.dumps(data),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_referrals_per_token_are_limited_with_retry_after(world, client, settings):
    settings.TESSERA_FHIR_REFERRAL_RATE = "3/h"
    consent_for(world.clinic)
    _c, token = ReferrerClient.issue(world.clinic, "VC")
    for n in range(3):
        assert _post(client, token, n).status_code == 201
    response = _post(client, token, 99)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["resourceType"] == "OperationOutcome"
    assert Application.objects.count() == 3
    assert AuditEvent.objects.filter(action="security.fhir_rate_limited").exists()
    # Another organisation's token has its own allowance.
    _c, other = ReferrerClient.issue(world.clinic, "VC Syd")
    assert _post(client, other, 100).status_code == 201


def test_a_wrong_token_is_audited_without_the_token(world, client):
    response = _post(client, "tsr_not-a-real-token", 1)
    assert response.status_code == 401
    event = AuditEvent.objects.get(action="security.fhir_auth_failed")
    assert "not-a-real-token" not in json.dumps(event.changes)


def test_denied_patient_urls_are_audited_once_a_minute(world, login):
    from django.urls import reverse

    client = login(world["other_therapist"])
    url = reverse("patient_detail", args=[world.patient.pk])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    rows = AuditEvent.objects.filter(
        action="security.access_denied", actor=world["other_therapist"]
    )
    assert rows.count() == 1 and rows.get().changes["path"] == url
