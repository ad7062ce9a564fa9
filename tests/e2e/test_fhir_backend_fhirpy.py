"""Issue 18, done when: a third-party FHIR client (fhirpy) over real HTTP gets a SMART
backend token with a signed assertion, reads $everything for a patient, pages through
Observation search, and runs a Bulk Data export to completion, every resource
validating."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests
from fhir.resources.R4B import get_fhir_model_class
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ForbiddenError

from tessera.core.models import AuditEvent
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.fhir.smart_helpers import JWT_BEARER, KeyPair, register

pytestmark = pytest.mark.e2e


def _measured(world):
    for code in ["PHQ-9", "GAD-7"]:
        MeasureRule.objects.create(clinic=world.clinic, instrument=code, time_point="pre")
    episode = world.patient.episodes.get()
    treatment.do_start_treatment(episode, acting_user=world.therapist)
    for due in DueMeasure.objects.filter(episode=episode):
        items = 10 if due.instrument == "PHQ-9" else 7
        treatment.do_submit_response(
            due,
            dict.fromkeys(range(1, items + 1), 1),
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    return episode


def _token(base: str, keys: KeyPair, client_id: str, scope="system/*.rs") -> dict:
    token_url = f"{base}/auth/token"
    discovered = requests.get(f"{base}/.well-known/smart-configuration", timeout=10).json()
    assert discovered["token_endpoint"] == token_url
    response = requests.post(
        token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": keys.assertion(client_id, token_url),
            "scope": scope,
        },
        timeout=10,
    )
    return response


def _valid(resource: dict) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_fhirpy_reads_everything_pages_observations_and_exports(
    live_server, e2e_world, settings, tmp_path
):
    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path
    _measured(e2e_world)
    keys = KeyPair()
    registered = register(keys=keys, clinic=e2e_world.clinic)
    base = f"{live_server.url}/fhir"
    token = _token(base, keys, registered.client_id).json()["access_token"]
    fhir = SyncFHIRClient(base, authorization=f"Bearer {token}")

    everything = fhir.execute(f"Patient/{e2e_world.patient.pk}/$everything", method="get")
    kinds = set()
    for entry in everything["entry"]:
        _valid(entry["resource"])
        kinds.add(entry["resource"]["resourceType"])
    assert {"Patient", "EpisodeOfCare", "QuestionnaireResponse", "Observation"} <= kinds

    observations = (
        fhir.resources("Observation").search(patient=e2e_world.patient.pk).limit(1).fetch_all()
    )
    assert len(observations) == 2  # two pages of one
    for observation in observations:
        _valid(observation.serialize())
    codes = {o["code"]["coding"][0]["code"] for o in observations}
    assert codes == {"44261-6", "70274-6"}

    kick_off = requests.get(
        f"{base}/$export",
        headers={
            "Authorization": f"Bearer {token}",
            "Prefer": "respond-async",
            "Accept": "application/fhir+json",
        },
        timeout=30,
    )
    assert kick_off.status_code == 202
    status_url = kick_off.headers["Content-Location"]
    for _attempt in range(20):
        status = requests.get(status_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        if status.status_code == 200:
            break
        assert status.status_code == 202 and "X-Progress" in status.headers
        time.sleep(0.2)
    manifest = status.json()
    assert {item["type"] for item in manifest["output"]} >= {"Patient", "Observation"}
    for item in manifest["output"]:
        body = requests.get(item["url"], headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert body.headers["Content-Type"] == "application/fhir+ndjson"
        lines = body.text.splitlines()
        assert len(lines) == item["count"]
        for line in lines:
            _valid(json.loads(line))
    assert AuditEvent.objects.filter(action="fhir.api_read").exists()


def test_fhirpy_gets_403_for_a_wrong_scope_and_401_for_a_replayed_assertion(live_server, e2e_world):
    keys = KeyPair()
    registered = register(keys=keys, clinic=e2e_world.clinic, scope="system/Patient.rs")
    base = f"{live_server.url}/fhir"
    token = _token(base, keys, registered.client_id, "system/Patient.rs").json()["access_token"]
    fhir = SyncFHIRClient(base, authorization=f"Bearer {token}")
    with pytest.raises(ForbiddenError) as refused:
        fhir.resources("Observation").search(patient=e2e_world.patient.pk).fetch()
    assert "system/Observation.s" in str(refused.value)

    token_url = f"{base}/auth/token"
    assertion = keys.assertion(registered.client_id, token_url)
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
        "scope": "system/Patient.rs",
    }
    assert requests.post(token_url, data=form, timeout=10).status_code == 200
    again = requests.post(token_url, data=form, timeout=10)
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"
