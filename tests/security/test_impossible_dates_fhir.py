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
