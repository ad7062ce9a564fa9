"""FHIR endpoints: a public Questionnaire, and an audited response Bundle for staff."""

import json

from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tessera.core.models import AuditEvent


def test_the_questionnaire_endpoint_serves_a_valid_phq9(client, db):
    response = client.get(reverse("fhir_questionnaire", args=["phq9"]))
    assert response["Content-Type"] == "application/fhir+json"
    data = response.json()
    assert data["resourceType"] == "Questionnaire"
    assert data["url"] == "http://testserver/fhir/Questionnaire/phq9"


def test_an_unknown_questionnaire_gets_an_operation_outcome(client, db):
    response = client.get(reverse("fhir_questionnaire", args=["nope"]))
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_response_exports_as_a_valid_bundle_with_the_loinc_total(world, login):
    url = reverse("response_fhir_bundle", args=[world.patient.pk, world.response.pk])
    response = login(world["therapist"]).get(url)
    bundle = Bundle.model_validate(json.loads(response.content))
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds == ["QuestionnaireResponse", "Observation"]
    observation = bundle.entry[1].resource
    assert observation.code.coding[0].code == "70274-6"  # GAD-7 total
    assert observation.valueInteger == 7
    assert AuditEvent.objects.filter(action="response.fhir.viewed", patient=world.patient).exists()
