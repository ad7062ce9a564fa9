"""Impossible dates in the FHIR read and Bulk endpoints' parameters are a 400 with an
OperationOutcome naming the parameter, never a 500 (issue 13, hole 5 and "What to build"
item 2). ``2026-02-30T00:00:00Z`` is well formed, so Django's parser raised ValueError
instead of answering None."""

from __future__ import annotations

import pytest

from tests.fhir.smart_helpers import KeyPair, get_token, register

SCOPE = "system/*.rs system/*.read"
IMPOSSIBLE = ["2026-02-30T00:00:00Z", "2026-02-30", "2026-13-01", "2026-01-01T25:00:00Z"]


@pytest.fixture
def auth(client, world):
    keys = KeyPair()
    registered = register(keys=keys, scope=SCOPE, clinic=world.clinic)
    return {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, SCOPE)}"}


@pytest.mark.parametrize("value", IMPOSSIBLE)
@pytest.mark.parametrize("url", ["/fhir/$export", "/fhir/EpisodeOfCare", "GROUP"])
def test_an_impossible_since_is_refused_clearly(client, world, auth, url, value):
    from tessera.fhir.models import ExportJob

    url = f"/fhir/Group/{world.clinic.slug}/$export" if url == "GROUP" else url
    response = client.get(url, {"_since": value}, HTTP_PREFER="respond-async", **auth)
    assert response.status_code == 400, response.content[:300]
    issue = response.json()["issue"][0]
    assert "_since" in issue["expression"][0] or "_since" in str(issue)
    assert "not a date" in issue["diagnostics"]
    assert not ExportJob.objects.exists()  # nothing half-written


def test_control_characters_in_a_fhir_query_are_an_operation_outcome(client, world, auth):
    """The middleware's refusal of control characters, under the FHIR base, is an
    OperationOutcome a record system can read (the fuzzer found the site's HTML page)."""
    response = client.get("/fhir/Observation", {"code": "a\x00b"}, **auth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    "url, params, where",
    [
        # "²" and "١" are digits to str.isdigit() but not to int()
        ("/fhir/Observation", {"patient": "\u00b2"}, "patient"),
        ("/fhir/EpisodeOfCare", {"patient": "\u0661"}, "patient"),
        # past PostgreSQL's bigint OFFSET
        ("/fhir/QuestionnaireResponse", {"_offset": "9" * 30}, "_offset"),
        ("/fhir/EpisodeOfCare", {"_offset": "9" * 30}, "_offset"),
    ],
)
def test_values_out_of_range_are_a_400_naming_the_parameter(client, auth, url, params, where):
    """Found by the fuzzer on PostgreSQL: each was a 500."""
    response = client.get(url, params, **auth)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/fhir+json"
    assert where in response.json()["issue"][0]["expression"][0]


def test_the_last_day_a_date_holds_is_searchable(client, auth):
    """date=9999-12-31 was a 500 (its next day, the end of the range, overflowed)."""
    response = client.get("/fhir/Observation", {"date": "9999-12-31"}, **auth)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["total"] == 0


def test_a_line_feed_in_a_fhir_path_is_an_operation_outcome(client, auth):
    """The FHIR base's catch-all did not match a path with a line feed (``.`` stops
    there), so the site's HTML 404 answered a record system."""
    response = client.get("/fhir/Patient/1%0A/$everything", **auth)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
