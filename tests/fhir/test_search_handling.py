"""FHIR R4 search "Handling errors": Prefer: handling=strict refuses an unknown or
unsupported parameter with 400 and an OperationOutcome naming it; handling=lenient
ignores it, and the Bundle's self link shows only the parameters used. Without the
header Tessera is strict (a misspelt filter must not widen what a client receives)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory

from tessera.fhir.search_params import BadRequest, Search, handling
from tests.fhir.test_fhir_read_api import _bearer, filled  # noqa: F401 - a fixture

STRICT = {"HTTP_PREFER": "handling=strict"}
LENIENT = {"HTTP_PREFER": "handling=lenient"}
SEARCHES = ["/fhir/EpisodeOfCare", "/fhir/Observation", "/fhir/QuestionnaireResponse"]


def _self(bundle) -> dict[str, list[str]]:
    (url,) = [link["url"] for link in bundle["link"] if link["relation"] == "self"]
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize("prefer", [{}, STRICT, {"HTTP_PREFER": "respond-async; handling=strict"}])
@pytest.mark.parametrize("url", SEARCHES)
def test_strict_refuses_an_unknown_parameter_naming_it(client, filled, url, prefer):  # noqa: F811
    auth = _bearer(client, filled)
    response = client.get(url, {"patinet": filled.patient.pk}, **auth, **prefer)
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["patinet"]


@pytest.mark.parametrize("url", SEARCHES)
def test_lenient_ignores_it_and_the_self_link_says_so(client, filled, url):  # noqa: F811
    auth = _bearer(client, filled)
    asked = {"patient": filled.patient.pk, "colour": "blue", "_format": "xml", "_count": "5"}
    response = client.get(url, asked, **auth, **LENIENT)
    assert response.status_code == 200, response.content[:300]
    bundle = response.json()
    assert _self(bundle) == {"patient": [str(filled.patient.pk)], "_count": ["5"]}
    # the filter that was understood still applies: only this patient's rows
    strict = client.get(url, {"patient": filled.patient.pk, "_count": "5"}, **auth).json()
    assert bundle["total"] == strict["total"]
    assert _self(strict) == _self(bundle)


def test_a_parameter_given_twice_is_refused_or_its_last_value_used(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    other = filled.other_patient.pk
    twice = f"/fhir/EpisodeOfCare?patient={other}&patient={filled.patient.pk}"
    refused = client.get(twice, **auth)
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["patient"]
    bundle = client.get(twice, **auth, **LENIENT).json()
    assert _self(bundle) == {"patient": [str(filled.patient.pk)]}
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(filled.episode.pk)]


def test_date_may_be_repeated_and_empty_values_are_not_used(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    url = "/fhir/Observation?date=ge2000-01-01&date=le2100-01-01&_since=&code="
    bundle = client.get(url, **auth).json()
    assert bundle["total"] == 2
    assert _self(bundle) == {"date": ["ge2000-01-01", "le2100-01-01"]}


def test_a_malformed_value_is_400_under_either_handling(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    for prefer in (STRICT, LENIENT):
        response = client.get("/fhir/Observation", {"date": "yesterday"}, **auth, **prefer)
        assert response.status_code == 400
        assert response.json()["issue"][0]["expression"] == ["date"]


def test_everything_and_patient_read(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    pk = filled.patient.pk
    refused = client.get(f"/fhir/Patient/{pk}/$everything", {"_elements": "id"}, **auth)
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["_elements"]
    bundle = client.get(
        f"/fhir/Patient/{pk}/$everything",
        {"_elements": "id", "_type": "Patient"},
        **auth,
        **LENIENT,
    ).json()
    assert _self(bundle) == {"_type": ["Patient"]}
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Patient"}
    assert client.get(f"/fhir/Patient/{pk}", {"x": "1"}, **auth).status_code == 400
    assert client.get(f"/fhir/Patient/{pk}", {"x": "1"}, **auth, **LENIENT).status_code == 200


def test_questionnaire_language_not_shipped(client, db):
    url = "/fhir/Questionnaire/phq9"
    refused = client.get(url, {"language": "fr"})
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["language"]
    assert client.get(url, {"language": "fr"}, **LENIENT).json()["language"] == "en"
    assert client.get(url, {"language": "sv"}).json()["language"] == "sv"


def test_metadata_serves_mode_full_only(client, db):
    assert client.get("/fhir/metadata", {"mode": "full"}).status_code == 200
    refused = client.get("/fhir/metadata", {"mode": "terminology"})
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["mode"]
    assert client.get("/fhir/metadata", {"mode": "terminology"}, **LENIENT).status_code == 200
    assert client.get("/fhir/metadata", {"colour": "blue"}).status_code == 400


def test_export_kick_off_follows_the_same_rule(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    asked = {"_type": "Patient", "_typeFilter": "Patient?active=true"}
    refused = client.get("/fhir/$export", asked, **auth, HTTP_PREFER="respond-async")
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["_typeFilter"]
    accepted = client.get(
        "/fhir/$export", asked, **auth, HTTP_PREFER="respond-async, handling=lenient"
    )
    assert accepted.status_code == 202


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "strict"),
        ("handling=lenient", "lenient"),
        ('respond-async, handling="lenient"', "lenient"),
        ("respond-async; HANDLING=Lenient", "lenient"),
        ("handling=strict", "strict"),
        ("handling=sloppy", "strict"),
    ],
)
def test_prefer_header_parsing(header, expected):
    request = RequestFactory().get("/", HTTP_PREFER=header) if header else RequestFactory().get("/")
    assert handling(request) == expected


def test_search_helper_lists_what_it_ignored():
    request = RequestFactory().get("/?a=1&b=2&b=3&c=", HTTP_PREFER="handling=lenient")
    search = Search(request, {"b"}, common=False)
    assert search.used == {"b": ["3"]} and search.ignored == ["a", "b"]
    with pytest.raises(BadRequest):
        Search(RequestFactory().get("/?a=1"), {"b"})
