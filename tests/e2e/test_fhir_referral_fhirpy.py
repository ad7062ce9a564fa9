"""Issue 5, done when: a ServiceRequest sent by a third-party FHIR client library (fhirpy)
over real HTTP creates a referral, and a wrong token gets 401."""

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, OperationOutcome, ResourceNotFound

from tessera.fhir.models import ReceivedReferral, ReferrerClient
from tessera.intake.models import Application, Source, Status

pytestmark = pytest.mark.e2e

REFERRAL = {
    "status": "active",
    "intent": "order",
    "identifier": [{"system": "urn:example:gp-system", "value": "EHR-20261127-1"}],
    "subject": {"reference": "#pat"},
    "requester": {"display": "Dr Eva Ek"},
    "reasonCode": [{"text": "Low mood and worry for six months"}],
    "contained": [
        {
            "resourceType": "Patient",
            "id": "pat",
            "identifier": [{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "199001022384"}],
            "name": [{"family": "Lund", "given": ["Maja"]}],
            "birthDate": "1990-01-02",
            "telecom": [{"system": "email", "value": "maja@example.org"}],
        }
    ],
}


def test_fhirpy_creates_a_referral_and_reads_its_status(live_server, e2e_world):
    _referrer, token = ReferrerClient.issue(e2e_world.clinic, "VC Norr")
    fhir = SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {token}")

    service_request = fhir.resource("ServiceRequest", **REFERRAL)
    service_request.save()

    link = ReceivedReferral.objects.select_related("application").get()
    assert service_request.id == str(link.pk)
    application = link.application
    assert (application.source, application.status) == (Source.FHIR, Status.SUBMITTED)
    assert application.clinic == e2e_world.clinic and application.last_name == "Lund"
    assert application.referral.referrer_name == "Dr Eva Ek"

    again = fhir.resource("ServiceRequest", **REFERRAL)
    again.save()
    assert again.id == service_request.id and Application.objects.count() == 1

    read = fhir.reference("ServiceRequest", service_request.id).to_resource()
    assert read["status"] == "active"
    assert read["identifier"][0]["value"] == application.reference


def test_fhirpy_gets_401_with_a_wrong_token_and_an_outcome_when_invalid(live_server, e2e_world):
    _referrer, token = ReferrerClient.issue(e2e_world.clinic, "VC Norr")
    wrong = SyncFHIRClient(f"{live_server.url}/fhir", authorization="Bearer tsr_not-a-token")
    with pytest.raises(AuthorizationError):
        wrong.resource("ServiceRequest", **REFERRAL).save()

    fhir = SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {token}")
    bad_number = {**REFERRAL, "contained": [dict(REFERRAL["contained"][0])]}
    bad_number["contained"][0]["identifier"] = [
        {"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "199001022385"}
    ]
    with pytest.raises(OperationOutcome) as err:
        fhir.resource("ServiceRequest", **bad_number).save()
    assert err.value.resource["issue"][0]["expression"] == ["Patient.identifier"]
    with pytest.raises(ResourceNotFound):
        fhir.reference("ServiceRequest", "999999").to_resource()
    assert not Application.objects.exists()
