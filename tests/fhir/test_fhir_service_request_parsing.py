"""Reading incoming referrals (ServiceRequest + Patient) and the token checks."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tessera.core.models import AuditEvent
from tessera.fhir.actions import do_issue_referrer_token, do_revoke_referrer_token
from tessera.fhir.models import ReferrerClient, hash_token
from tessera.fhir.service_request import InvalidReferral, read_referral


def service_request(**overrides):
    data = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "identifier": [{"system": "urn:example:gp-system", "value": "REF-881"}],
        "subject": {"reference": "#pat"},
        "requester": {"display": "Dr Eva Ek"},
        "reasonCode": [{"text": "Low mood for four months, PHQ-9 16 at the practice"}],
        "contained": [
            {
                "resourceType": "Patient",
                "id": "pat",
                "identifier": [{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "199001022384"}],
                "name": [{"family": "Lund", "given": ["Maja"]}],
                "birthDate": "1990-01-02",
                "telecom": [{"system": "email", "value": "maja@example.org"}],
                "communication": [{"language": {"coding": [{"code": "sv-SE"}]}}],
            },
            {"resourceType": "Organization", "id": "org", "name": "Vårdcentralen Norr"},
        ],
    }
    data.update(overrides)
    return data


def test_a_contained_patient_is_read():
    referral = read_referral(service_request())
    assert (referral.first_name, referral.last_name) == ("Maja", "Lund")
    assert referral.national_id_country == "SE" and referral.national_id == "199001022384"
    assert referral.email == "maja@example.org" and referral.language == "sv"
    assert referral.referrer_name == "Dr Eva Ek"
    assert referral.referrer_organisation == "Vårdcentralen Norr"
    assert referral.external_id == "REF-881"
    assert "Low mood" in referral.reason


def test_a_bundled_patient_is_read():
    request = service_request(subject={"reference": "urn:uuid:patient-1"})
    patient = request.pop("contained")[0]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:patient-1", "resource": patient},
            {"fullUrl": "urn:uuid:sr-1", "resource": request},
        ],
    }
    assert read_referral(bundle).last_name == "Lund"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"subject": None}, "ServiceRequest.subject"),
        ({"subject": {"reference": "#nobody"}}, "ServiceRequest.contained"),
        ({"subject": {"reference": "Patient/1"}}, "ServiceRequest.subject"),
        ({"reasonCode": None}, "ServiceRequest.reasonCode"),
        ({"status": "revoked"}, "ServiceRequest.status"),
        ({"intent": "bogus"}, "ServiceRequest.intent"),
    ],
)
def test_what_is_wrong_is_named(change, where):
    data = {k: v for k, v in service_request(**change).items() if v is not None}
    with pytest.raises(InvalidReferral) as err:
        read_referral(data)
    assert any(p.where.startswith(where) for p in err.value.problems), err.value.problems


def test_a_patient_without_a_birth_date_is_refused():
    data = service_request()
    del data["contained"][0]["birthDate"]
    with pytest.raises(InvalidReferral) as err:
        read_referral(data)
    assert [p.where for p in err.value.problems] == ["Patient.birthDate"]


def test_another_resource_type_is_refused():
    with pytest.raises(InvalidReferral) as err:
        read_referral({"resourceType": "Patient"})
    assert err.value.problems[0].where == "resourceType"


@pytest.mark.django_db
def test_issuing_a_token_prints_it_once_and_stores_a_hash(world):
    out = io.StringIO()
    call_command("issue_referrer_token", clinic="alpha", organisation="VC Norr", stdout=out)
    token = out.getvalue().split()[-1]
    client = ReferrerClient.objects.get()
    assert client.token_hash == hash_token(token) and token not in client.token_hash
    assert ReferrerClient.for_token(token) == client
    call_command("revoke_referrer_token", client.token_prefix, stdout=io.StringIO())
    assert ReferrerClient.for_token(token) is None
    events = AuditEvent.objects.filter(action__startswith="referrer_token.").order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "referrer_token.issued",
        "referrer_token.revoked",
    ]


@pytest.mark.django_db
def test_a_token_revoked_twice_is_revoked_once(world):
    client, token = do_issue_referrer_token(world.clinic, "  VC   Norr ")
    assert client.organisation == "VC Norr"
    first = do_revoke_referrer_token(client).revoked_at
    again = do_revoke_referrer_token(client)  # a second operator, or the command again
    assert again.revoked_at == first and ReferrerClient.for_token(token) is None
    assert AuditEvent.objects.filter(action="referrer_token.revoked").count() == 1
    with pytest.raises(ValidationError, match="Name the organisation"):
        do_issue_referrer_token(world.clinic, " ")
    assert ReferrerClient.objects.count() == 1


@pytest.mark.django_db
def test_the_interface_answers_401_without_a_valid_token(world, client):
    body = service_request()
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer tsr_wrong"}, {"HTTP_AUTHORIZATION": "x"}):
        response = client.post(
            "/fhir/ServiceRequest", body, content_type="application/fhir+json", **header
        )
        assert response.status_code == 401
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_bad_json_and_bad_resources_get_an_operation_outcome(world, client):
    _client, token = ReferrerClient.issue(world.clinic, "VC Norr")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    bad = client.post("/fhir/ServiceRequest", "{", content_type="application/fhir+json", **auth)
    assert bad.status_code == 400
    wrong = client.post(
        "/fhir/ServiceRequest",
        service_request(subject=None),
        content_type="application/fhir+json",
        **auth,
    )
    assert wrong.status_code == 400
    issues = wrong.json()["issue"]
    assert issues[0]["expression"] == ["ServiceRequest.subject"]
    text = client.post("/fhir/ServiceRequest", "x", content_type="text/plain", **auth)
    assert text.status_code == 415


def test_the_capability_statement_is_valid(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    data = response.json()
    assert data["resourceType"] == "CapabilityStatement"
    types = {r["type"] for r in data["rest"][0]["resource"]}
    assert {"ServiceRequest", "Questionnaire"} <= types
