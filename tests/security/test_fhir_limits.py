"""The FHIR interface is limited per token, and its failures are audited (issue 13, #6, #7)."""

import json
import threading

import pytest

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
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "fhir_referral": "3/h"}
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


def test_a_clinic_may_have_its_own_referral_limit(world, client, settings):
    consent_for(world.clinic)
    settings.TESSERA_CLINIC_RATE_LIMITS = {world.clinic.slug: {"fhir_referral": "1/h"}}
    _c, token = ReferrerClient.issue(world.clinic, "VC")
    assert _post(client, token, 1).status_code == 201
    response = _post(client, token, 2)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Application.objects.count() == 1
    # Switched off for the clinic: no limit at all there.
    settings.TESSERA_CLINIC_RATE_LIMITS = {world.clinic.slug: {"fhir_referral": None}}
    assert _post(client, token, 3).status_code == 201


def _token_request(client):
    return client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": "not.a.jwt",
            "scope": "system/*.rs",
        },
    )


def test_the_token_endpoint_is_limited_per_address_and_audited_once(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "fhir_token": "2/m"}
    assert _token_request(client).status_code == 401
    assert _token_request(client).status_code == 401
    for _ in range(3):
        response = _token_request(client)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"] == "slow_down"
    assert AuditEvent.objects.filter(action="security.fhir_token_rate_limited").count() == 1
    # refused before the assertion is looked at: only the first two were checked, and
    # their one reason from one address is audited once a minute
    assert AuditEvent.objects.filter(action="security.fhir_auth_failed").count() == 1


@pytest.mark.parametrize(
    "where, change",
    [
        ("Patient.name.family", lambda d: d["contained"][0]["name"][0].update(family="F" * 101)),
        (
            "Patient.telecom",
            lambda d: d["contained"][0]["telecom"].insert(
                0, {"system": "email", "value": "a" * 250 + "@example.org"}
            ),
        ),
        ("ServiceRequest.reasonCode", lambda d: d.update(reasonCode=[{"text": "r" * 4001}])),
    ],
)
def test_an_over_long_value_is_refused_not_cut(world, client, where, change):
    consent_for(world.clinic)
    _c, token = ReferrerClient.issue(world.clinic, "VC")
    data = body()
    change(data)
    response = client.post(
        "/fhir/ServiceRequest",
        json.dumps(data),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    issues = response.json()["issue"]
    assert any(where in i["expression"][0] and "at most" in i["diagnostics"] for i in issues)
    assert Application.objects.count() == 0


def test_too_many_values_are_refused_before_validation(world, client):
    _c, token = ReferrerClient.issue(world.clinic, "VC")
    response = client.post(
        "/fhir/ServiceRequest",
        json.dumps({"resourceType": "ServiceRequest", "note": [{"text": "x"}] * 20_001}),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "values" in response.json()["issue"][0]["diagnostics"]


def test_validation_that_takes_too_long_is_answered_4xx(world, client, settings, monkeypatch):
    from tessera.fhir import referrals

    settings.TESSERA_FHIR_VALIDATION_SECONDS = 0.05
    release = threading.Event()

    def slow(payload):
        release.wait(10)
        raise AssertionError("the request should not have waited")

    monkeypatch.setattr(referrals, "read_referral", slow)
    _c, token = ReferrerClient.issue(world.clinic, "VC")
    try:
        response = _post(client, token, 1)
    finally:
        release.set()
    assert response.status_code == 422
    assert "too long to validate" in response.json()["issue"][0]["diagnostics"]
    assert Application.objects.count() == 0


def test_bulk_exports_per_client_are_limited(world, client, settings, tmp_path):
    from tessera.fhir.models import ExportJob
    from tests.fhir.smart_helpers import KeyPair, get_token, register

    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "fhir_export": "2/h"}
    keys = KeyPair()
    registered = register(keys=keys, clinic=world.clinic)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered)}"}
    headers = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}
    # Three different exports (the same one asked again while under way is the same job,
    # not another: test_bulk_export.py).
    for kind in ("Patient", "Observation"):
        assert client.get("/fhir/$export", {"_type": kind}, **auth, **headers).status_code == 202
    response = client.get("/fhir/$export", {"_type": "EpisodeOfCare"}, **auth, **headers)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["issue"][0]["code"] == "throttled"
    assert ExportJob.objects.count() == 2
    assert AuditEvent.objects.filter(
        action="security.fhir_rate_limited", changes__endpoint="$export"
    ).exists()


def test_failed_fhir_authentication_is_audited_once_per_address_and_reason_a_minute(world, client):
    """An anonymous caller cannot flood the trail with 401s: one row per client address
    and reason a minute, on the read API, Bulk Data and the referral endpoint alike."""
    from django.core.cache import cache

    def failed():
        return AuditEvent.objects.filter(action="security.fhir_auth_failed")

    for _ in range(20):
        assert client.get("/fhir/Observation").status_code == 401
        assert client.get("/fhir/$export", HTTP_PREFER="respond-async").status_code == 401
        assert client.post("/fhir/ServiceRequest", "{}", content_type="application/fhir+json")
    assert failed().count() == 1
    assert failed().get().changes["reason"] == "no token"
    for _ in range(20):
        assert client.get("/fhir/EpisodeOfCare", HTTP_AUTHORIZATION="Bearer x").status_code == 401
    assert failed().count() == 2  # another reason: a token that is not valid
    client.get("/fhir/Observation", REMOTE_ADDR="192.0.2.9")
    assert failed().count() == 3  # another address
    cache.clear()  # a minute later
    client.get("/fhir/Observation")
    assert failed().count() == 4
    assert "Bearer x" not in json.dumps(list(failed().values_list("changes", flat=True)))
