"""The CapabilityStatement lists exactly what the server answers: every interaction,
search parameter and operation it names has a route, and every FHIR route is named."""

from __future__ import annotations

from django.urls import reverse

from tessera.fhir.capability import capability_statement
from tessera.fhir.search_params import COMMON

# (type, interaction or operation) -> the route that answers it
ROUTES = {
    ("Patient", "read"): "fhir_patient_read",
    ("Patient", "$everything"): "fhir_everything",
    ("EpisodeOfCare", "search-type"): "fhir_episode_search",
    ("Observation", "search-type"): "fhir_observation_search",
    ("QuestionnaireResponse", "search-type"): "fhir_questionnaire_response_search",
    ("ServiceRequest", "create"): "fhir_service_request",
    ("ServiceRequest", "read"): "fhir_service_request_read",
    ("Questionnaire", "read"): "fhir_questionnaire",
    ("system", "$export"): "fhir_export",
    ("system", "$group-export"): "fhir_group_export",
}
INFRASTRUCTURE = {
    "fhir_metadata",
    "fhir_smart_configuration",
    "fhir_token",
    "fhir_export_status",
    "fhir_export_file",
    "fhir_not_found",  # the OperationOutcome for whatever else is asked under the base
}
SEARCHED = {
    "EpisodeOfCare": {"patient", "_since"},
    "Observation": {"patient", "code", "date", "_since"},
    "QuestionnaireResponse": {"patient", "_since"},
}


def _listed():
    rest = capability_statement("http://x/fhir")["rest"][0]
    listed = set()
    for resource in rest["resource"]:
        listed |= {(resource["type"], i["code"]) for i in resource["interaction"]}
        listed |= {(resource["type"], f"${o['name']}") for o in resource.get("operation", [])}
    listed |= {("system", f"${o['name']}") for o in rest["operation"]}
    return rest, listed


def test_everything_listed_has_a_route_and_every_route_is_listed():
    from tessera.fhir import urls

    _rest, listed = _listed()
    assert listed == set(ROUTES)
    names = {p.name for p in urls.urlpatterns if p.name.startswith("fhir_")}
    assert names == set(ROUTES.values()) | INFRASTRUCTURE
    for name in ROUTES.values():
        assert name in names


def test_search_parameters_are_the_ones_the_api_takes():
    rest, _listed_ = _listed()
    for resource in rest["resource"]:
        if resource["type"] in SEARCHED:
            params = {p["name"] for p in resource["searchParam"]}
            assert params - {"_count", "_offset"} == SEARCHED[resource["type"]]
            assert {"_count", "_offset"} <= COMMON


def test_metadata_names_the_token_endpoint(client, db):
    data = client.get(reverse("fhir_metadata")).json()
    uris = data["rest"][0]["security"]["extension"][0]["extension"]
    assert uris == [{"url": "token", "valueUri": "http://testserver/fhir/auth/token"}]
