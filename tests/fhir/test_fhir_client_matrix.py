"""The access matrix of the system API: every route that takes a SMART token, tried by
every kind of client. A session is never enough (tests/access_rows/fhir_records.py);
here the token decides: its scopes (403) and its client's clinic or region (404 or
nothing found)."""

from __future__ import annotations

import pytest

from tests.fhir.smart_helpers import KeyPair, get_token, register

ASYNC = {"HTTP_PREFER": "respond-async"}
CLIENTS = {
    "own_clinic": ({"clinic": "clinic"}, "system/*.rs"),
    "other_clinic": ({"clinic": "other_clinic"}, "system/*.rs"),
    "region": ({"region": "region"}, "system/*.rs"),
    "patient_scope_only": ({"clinic": "clinic"}, "system/Patient.rs"),
    "revoked": ({"clinic": "clinic"}, "system/*.rs"),
}


def _urls(w):
    pid, far = w.patient.pk, w.far_patient.pk
    return {
        "patient": (f"/fhir/Patient/{pid}", {}),
        "far_patient": (f"/fhir/Patient/{far}", {}),
        "everything": (f"/fhir/Patient/{pid}/$everything", {}),
        "episodes": (f"/fhir/EpisodeOfCare?patient={pid}", {}),
        "observations": (f"/fhir/Observation?patient={pid}", {}),
        "responses": (f"/fhir/QuestionnaireResponse?patient={pid}", {}),
        "export": ("/fhir/$export", ASYNC),
        "group": (f"/fhir/Group/{w.clinic.slug}/$export", ASYNC),
        "far_group": (f"/fhir/Group/{w.other_clinic.slug}/$export", ASYNC),
    }


# What each client gets: a status, or (200, total) for a search.
EXPECT = {
    "own_clinic": {
        "patient": 200,
        "far_patient": 404,
        "everything": 200,
        "episodes": (200, 1),
        "observations": (200, 1),
        "responses": (200, 1),
        "export": 202,
        "group": 202,
        "far_group": 404,
    },
    "other_clinic": {
        "patient": 404,
        "far_patient": 200,
        "everything": 404,
        "episodes": (200, 0),
        "observations": (200, 0),
        "responses": (200, 0),
        "export": 202,
        "group": 404,
        "far_group": 202,
    },
    "region": {
        "patient": 200,
        "far_patient": 200,
        "everything": 200,
        "episodes": (200, 1),
        "observations": (200, 1),
        "responses": (200, 1),
        "export": 202,
        "group": 202,
        "far_group": 202,
    },
    "patient_scope_only": {
        "patient": 200,
        "far_patient": 404,
        "everything": 200,
        "episodes": 403,
        "observations": 403,
        "responses": 403,
        "export": 202,
        "group": 202,
        "far_group": 404,
    },
    "revoked": dict.fromkeys(
        [
            "patient",
            "far_patient",
            "everything",
            "episodes",
            "observations",
            "responses",
            "export",
            "group",
            "far_group",
        ],
        401,
    ),
}


@pytest.mark.parametrize("kind", list(CLIENTS))
def test_client_matrix(kind, client, world, settings, tmp_path):
    from tessera.fhir.actions import do_revoke_system_client

    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path
    where, scope = CLIENTS[kind]
    keys = KeyPair()
    registered = register(
        keys=keys, scope=scope, **{k: getattr(world, v) for k, v in where.items()}
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, scope)}"}
    if kind == "revoked":
        do_revoke_system_client(registered)
    failures = []
    for name, (url, headers) in _urls(world).items():
        response = client.get(url, **auth, **headers)
        expected = EXPECT[kind][name]
        status, total = expected if isinstance(expected, tuple) else (expected, None)
        got = response.status_code
        if got != status or (total is not None and response.json()["total"] != total):
            failures.append(f"{name}: expected {expected}, got {got}")
        if got >= 400:
            assert response.json()["resourceType"] == "OperationOutcome"
    assert not failures, f"{kind}:\n" + "\n".join(failures)
