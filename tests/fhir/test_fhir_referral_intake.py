"""A ServiceRequest POSTed to /fhir/ServiceRequest becomes an intake application."""

import copy

import pytest
from django.db import connection
from fhir.resources.R4B.servicerequest import ServiceRequest

from tessera.core.models import AuditEvent
from tessera.fhir.models import ReceivedReferral, ReferrerClient
from tessera.fhir.service_request import CONSENT_TO_LETTERS_URL
from tessera.intake.models import Application, Referral, Source, Status

pytestmark = pytest.mark.django_db

BODY = {
    "resourceType": "ServiceRequest",
    "status": "active",
    "intent": "order",
    "priority": "urgent",
    "identifier": [{"system": "urn:example:gp-system", "value": "REF-881"}],
    "subject": {"reference": "#pat"},
    "requester": {"display": "Dr Eva Ek"},
    "reasonCode": [{"text": "Low mood for four months"}],
    "extension": [{"url": CONSENT_TO_LETTERS_URL, "valueBoolean": True}],
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
        {
            "resourceType": "Organization",
            "id": "org",
            "name": "Vårdcentralen Norr",
            "telecom": [
                {"system": "phone", "value": "+46 8 123 456"},
                {"system": "email", "value": "letters@vcnorr.example"},
            ],
        },
    ],
}


def body(**changes):
    data = copy.deepcopy(BODY)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def patient(data):
    return data["contained"][0]


@pytest.fixture
def referrer(world):
    return ReferrerClient.issue(world.clinic, "VC Norr")


def post(client, token, data):
    return client.post(
        "/fhir/ServiceRequest",
        data,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def read(client, token, pk):
    return client.get(f"/fhir/ServiceRequest/{pk}", HTTP_AUTHORIZATION=f"Bearer {token}")


def expressions(response):
    return [e for issue in response.json()["issue"] for e in issue["expression"]]


def test_a_referral_is_created_and_the_patient_invited(
    world, client, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    ref_client, token = referrer
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, body())
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/fhir+json"
    resource = response.json()
    ServiceRequest.model_validate(resource)
    link = ReceivedReferral.objects.get()
    assert resource["id"] == str(link.pk)
    assert response["Location"] == f"http://testserver/fhir/ServiceRequest/{link.pk}"
    application = Application.objects.get()
    assert link.application == application and link.client == ref_client
    assert (application.source, application.status) == (Source.FHIR, Status.SUBMITTED)
    assert application.clinic == world.clinic and application.submitted_at is not None
    assert (application.first_name, application.national_id) == ("Maja", "19900102-2384")
    assert application.language == "sv" and application.email == "maja@example.org"
    assert application.urgent and application.urgent_reason == "referrer"
    referral = Referral.objects.get(application=application)
    assert referral.referrer_name == "Dr Eva Ek"
    assert referral.organisation == "Vårdcentralen Norr"
    assert referral.secure_email == "letters@vcnorr.example"
    assert referral.consent_to_letters is True
    assert "Low mood" in referral.reason
    assert resource["status"] == "active" and resource["priority"] == "urgent"
    assert {"value": application.reference}.items() <= resource["identifier"][0].items()
    assert resource["identifier"][1]["value"] == "REF-881"
    assert resource["note"] == [{"text": "Status: Submitted"}]
    invitations = [m for m in mailoutbox if m.to == ["maja@example.org"]]
    assert len(invitations) == 1
    assert "http://testserver/apply/invite/" in invitations[0].body
    assert "Maja" not in invitations[0].body and "Lund" not in invitations[0].body
    # the urgent referral reached the intake team (issue 20), saying nothing clinical
    told = {m.to[0] for m in mailoutbox if m not in invitations}
    assert {"intake@alpha.test", "assessor@alpha.test", "manager@alpha.test"} <= told
    assert all("Maja" not in m.body and "Low mood" not in m.body for m in mailoutbox)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"application.referred", "fhir.referral_received"} <= actions


def test_consent_to_letters_defaults_to_no(world, client, referrer):
    response = post(client, referrer[1], body(extension=None))
    assert response.status_code == 201
    assert Referral.objects.get().consent_to_letters is False


def test_sending_the_same_referral_twice_creates_one_application(world, client, referrer):
    first = post(client, referrer[1], body())
    again = post(client, referrer[1], body())
    assert first.json()["id"] == again.json()["id"]
    assert again["Location"] == first["Location"]
    assert Application.objects.count() == 1 == ReceivedReferral.objects.count()
    other_client, other_token = ReferrerClient.issue(world.clinic, "VC Söder")
    third = post(client, other_token, body())
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]
    second = Application.objects.exclude(pk=Application.objects.first().pk).get()
    assert second.possible_duplicate_of is not None  # duplicate detection as the web form


def test_a_clinic_without_professional_referrals_answers_422(world, client, referrer):
    world.clinic.referral_model = "self"
    world.clinic.save()
    response = post(client, referrer[1], body())
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    assert expressions(response) == ["ServiceRequest"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"value": "199001022385"}, "Patient.identifier"),  # check digit
        ({"value": "199101022383"}, "Patient.identifier"),  # another birth date
    ],
)
def test_a_bad_identity_number_answers_422(client, referrer, change, where):
    data = body()
    patient(data)["identifier"][0].update(change)
    response = post(client, referrer[1], data)
    assert response.status_code == 422, response.content
    assert expressions(response) == [where]
    assert not Application.objects.exists() and not ReceivedReferral.objects.exists()


def test_missing_identifier_and_e_mail_answer_422_naming_both(client, referrer):
    data = body(identifier=None)
    del patient(data)["telecom"]
    response = post(client, referrer[1], data)
    assert response.status_code == 422
    assert expressions(response) == ["ServiceRequest.identifier", "Patient.telecom"]


def test_a_malformed_e_mail_answers_422(client, referrer):
    data = body()
    patient(data)["telecom"] = [{"system": "email", "value": "not-an-address"}]
    response = post(client, referrer[1], data)
    assert response.status_code == 422
    assert expressions(response) == ["Patient.telecom"]


def test_a_wrong_or_revoked_token_gets_401(world, client, referrer):
    ref_client, token = referrer
    assert post(client, token + "x", body()).status_code == 401
    ref_client.revoked_at = ref_client.created_at
    ref_client.save()
    response = post(client, token, body())
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not Application.objects.exists()


def test_the_referrer_reads_the_status_back(world, client, referrer, django_assert_num_queries):
    pk = post(client, referrer[1], body()).json()["id"]
    application = Application.objects.get()
    cases = [
        (Status.NEEDS_INFO, "active", "More information asked for"),
        (Status.ACCEPTED, "completed", "Accepted"),
        (Status.DECLINED, "revoked", "Declined"),
        (Status.DUPLICATE, "revoked", "Duplicate"),
    ]
    for status, fhir_status, words in cases:
        Application.objects.filter(pk=application.pk).update(status=status)
        # The read's audit record: one statement on PostgreSQL (decision 0054), five on
        # SQLite (savepoint, the chain's head, the row, the head moved, release).
        with django_assert_num_queries(3 + (1 if connection.vendor == "postgresql" else 5)):
            response = read(client, referrer[1], pk)
        assert response.status_code == 200
        data = response.json()
        ServiceRequest.model_validate(data)
        assert data["status"] == fhir_status
        assert data["note"] == [{"text": f"Status: {words}"}]
    assert AuditEvent.objects.filter(action="fhir.referral_status_read").count() == len(cases)


def test_a_risk_answer_is_not_told_as_priority(world, client, referrer):
    pk = post(client, referrer[1], body(priority="routine")).json()["id"]
    Application.objects.update(urgent=True, urgent_reason="risk_item")
    assert read(client, referrer[1], pk).json()["priority"] == "routine"


def test_another_clients_referral_is_404(world, client, referrer):
    pk = post(client, referrer[1], body()).json()["id"]
    _other, other_token = ReferrerClient.issue(world.clinic, "VC Söder")
    response = read(client, other_token, pk)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert read(client, referrer[1], 999999).status_code == 404
    assert read(client, "tsr_wrong", pk).status_code == 401


def test_incomplete_details_answer_422_and_a_malformed_resource_400(client, referrer):
    data = body()
    del patient(data)["birthDate"]
    patient(data)["name"] = [{"family": "Lund"}]
    response = post(client, referrer[1], data)
    assert response.status_code == 422
    assert expressions(response) == ["Patient.name", "Patient.birthDate"]
    malformed = post(client, referrer[1], body(status=["active"]))
    assert malformed.status_code == 400
    assert expressions(malformed)[0].startswith("ServiceRequest.status")
    assert not Application.objects.exists()
