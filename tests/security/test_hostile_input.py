"""No 500 from hostile input; nothing half-written (issue 13, #5)."""

import json

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.fhir.models import ReferrerClient
from tessera.intake.models import Application
from tests.fhir.test_fhir_referral_intake import body, patient
from tests.intake.intake_helpers import REFERRAL, consent_for

PERSON = {
    "first_name": "Gus",
    "last_name": "Holm",
    "date_of_birth": "1983-05-21",
    "national_id_country": "",
    "national_id": "",
    "email": "gus@person.test",
    "phone": "",
    "language": "en",
}


def _referral_form(**person) -> dict:
    data = {f"referrer-{k}": v for k, v in REFERRAL.items() if k != "consent_to_letters"}
    data["referrer-consent_to_letters"] = "on"
    return data | {f"patient-{k}": v for k, v in (PERSON | person).items()}


def _fhir(client, token, data: str):
    return client.post(
        "/fhir/ServiceRequest",
        data,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_nul_in_an_audit_search_parameter_is_refused_and_not_recorded(world, login):
    client = login(world["manager"])
    before = AuditEvent.objects.count()
    response = client.get(reverse("audit_search"), {"action": "a\x00b"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_a_nul_in_a_form_body_is_refused_before_any_write(world, client):
    consent_for(world.clinic)
    response = client.post(
        reverse("intake_refer", args=["alpha"]), _referral_form(first_name="G\x00us")
    )
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_tabs_and_newlines_in_text_are_kept(world, client):
    consent_for(world.clinic)
    data = _referral_form() | {"referrer-reason": "Low mood\r\n\tand poor sleep"}
    assert client.post(reverse("intake_refer", args=["alpha"]), data).status_code == 302


def test_an_overlong_email_gets_a_message_beside_the_field(world, client):
    consent_for(world.clinic)
    email = "a" * 300 + "@example.org"
    response = client.post(reverse("intake_refer", args=["alpha"]), _referral_form(email=email))
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Application.objects.exists()


def test_deeply_nested_fhir_json_is_a_400_operation_outcome(world, client):
    _client, token = ReferrerClient.issue(world.clinic, "VC")
    response = _fhir(client, token, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    data = body()
    data["note"] = [{"text": "x", "extension": [{"extension": []}]}]
    inner = data["note"][0]["extension"][0]["extension"]
    for _ in range(40):
        inner.append({"url": "urn:x", "extension": []})
        inner = inner[0]["extension"]
    assert _fhir(client, token, json.dumps(data)).status_code == 400


def test_a_nul_or_overlong_value_in_a_fhir_referral_is_refused(world, client):
    _client, token = ReferrerClient.issue(world.clinic, "VC")
    data = body()
    patient(data)["name"] = [{"family": "Lu\x00nd", "given": ["Maja"]}]
    assert _fhir(client, token, json.dumps(data)).status_code == 400
    data = body()
    patient(data)["telecom"] = [{"system": "email", "value": "m" * 300 + "@example.org"}]
    assert _fhir(client, token, json.dumps(data)).status_code == 422
    assert not Application.objects.exists()
    data = body()
    patient(data)["name"] = [{"family": "L" * 500, "given": ["Maja"]}]
    # refused, never cut: a cut name would be wrong without anyone knowing
    assert _fhir(client, token, json.dumps(data)).status_code == 422
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/fhir/Observation?patient=%00", "/fhir/Observation?patient=1&code=%1b", "/fhir/Pat%00ient/1"],
)
def test_a_fhir_client_sending_control_characters_gets_an_operation_outcome(client, db, url):
    """Stop 27 noted ``patient=%00`` as answered with the site's HTML 400; a FHIR client
    reads an OperationOutcome (the hostile-input middleware writes it for /fhir/)."""
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["code"] == "invalid"
