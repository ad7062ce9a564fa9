"""Bulk Data export: kick-off (202 + Content-Location), status polling (X-Progress,
Retry-After), the manifest, NDJSON files that validate, _type and _since, the group of
one clinic, cancelling, expiry, and nobody else's jobs."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tessera.core.models import AuditEvent
from tessera.fhir.bulk import build
from tessera.fhir.models import ExportJob
from tests.fhir.record_fixtures import fill_episode
from tests.fhir.smart_helpers import KeyPair, get_token, register

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    return settings.TESSERA_FHIR_EXPORT_DIR


@pytest.fixture
def filled(world):
    return fill_episode(world)


def _auth(client, world, *, scope="system/*.rs", **where):
    keys = KeyPair()
    registered = register(keys=keys, scope=scope, **(where or {"clinic": world.clinic}))
    return {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, scope)}"}


def _kick_off(client, auth, url="/fhir/$export", **params):
    response = client.get(url, params, **auth, **ASYNC)
    assert response.status_code == 202, response.content
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["severity"] == "information"
    location = response["Content-Location"]
    return location.removeprefix("http://testserver")


def _complete(client, auth, status_url):
    job_id = status_url.rsplit("/", 1)[1]
    assert build.run(job_id) == "done"
    response = client.get(status_url, **auth)
    assert response.status_code == 200
    return response.json()


def _lines(client, auth, url):
    response = client.get(url.removeprefix("http://testserver"), **auth)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


def test_an_export_runs_to_completion_with_files_that_validate(client, filled):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    waiting = client.get(status_url, **auth)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued" and waiting["Retry-After"] == "5"
    manifest = _complete(client, auth, status_url)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/$export")
    types = {item["type"] for item in manifest["output"]}
    assert types == {
        "Patient",
        "EpisodeOfCare",
        "Condition",
        "CarePlan",
        "QuestionnaireResponse",
        "Observation",
        "Encounter",
        "Communication",
        "Flag",
    }
    for item in manifest["output"]:
        lines = _lines(client, auth, item["url"])
        assert len(lines) == item["count"]
        for resource in lines:
            assert resource["resourceType"] == item["type"]
            get_fhir_model_class(item["type"]).model_validate(resource)
    patients = _lines(
        client, auth, next(i["url"] for i in manifest["output"] if i["type"] == "Patient")
    )
    assert sorted(int(p["id"]) for p in patients) == sorted(
        [filled.patient.pk, filled.other_patient.pk]
    )
    exported = AuditEvent.objects.filter(action="fhir.bulk_exported")
    assert set(exported.values_list("patient_id", flat=True)) == {
        filled.patient.pk,
        filled.other_patient.pk,
    }
    assert (
        AuditEvent.objects.filter(action="fhir.bulk_file_read").count()
        == len(manifest["output"]) + 1
    )


def test_progress_is_reported_while_running(client, filled):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    job = build.start(status_url.rsplit("/", 1)[1])
    assert job.episodes_total == 2 and job.parts.count() == 1
    job.parts.update(episodes_done=1)
    response = client.get(status_url, **auth)
    assert response.status_code == 202
    assert response["X-Progress"] == "0 of 1 parts, 1 of 2 episodes"


def test_type_and_since_narrow_the_export(client, filled):
    auth = _auth(client, filled)
    manifest = _complete(client, auth, _kick_off(client, auth, _type="Observation,Patient"))
    assert {item["type"] for item in manifest["output"]} == {"Observation", "Patient"}
    later = _complete(
        client, auth, _kick_off(client, auth, _type="Observation,Patient", _since="2100-01-01")
    )
    assert {item["type"] for item in later["output"]} == {"Patient"}


def test_since_leaves_out_episodes_that_did_not_change(client, filled):
    auth = _auth(client, filled)
    kinds = "EpisodeOfCare,Condition,Patient"
    later = _complete(client, auth, _kick_off(client, auth, _type=kinds, _since="2100-01-01"))
    assert {item["type"] for item in later["output"]} == {"Patient"}
    earlier = _complete(client, auth, _kick_off(client, auth, _type=kinds, _since="2000-01-01"))
    assert {item["type"] for item in earlier["output"]} >= {"Patient", "EpisodeOfCare"}


def test_letters_are_exported_when_asked_for(client, filled):
    auth = _auth(client, filled)
    manifest = _complete(client, auth, _kick_off(client, auth, _type="DocumentReference"))
    (item,) = manifest["output"]
    (letter,) = _lines(client, auth, item["url"])
    assert letter["content"][0]["attachment"]["contentType"] == "application/pdf"


def test_bad_kick_offs_get_an_outcome(client, filled):
    auth = _auth(client, filled, scope="system/Observation.rs")
    no_prefer = client.get("/fhir/$export", **auth)
    assert no_prefer.status_code == 400
    assert no_prefer.json()["issue"][0]["expression"] == ["Prefer"]
    for params in [{"_type": "Medication"}, {"_outputFormat": "text/csv"}, {"colour": "x"}]:
        assert client.get("/fhir/$export", params, **auth, **ASYNC).status_code == 400
    refused = client.get("/fhir/$export", {"_type": "Patient"}, **auth, **ASYNC)
    assert refused.status_code == 403
    assert client.get("/fhir/$export", **ASYNC).status_code == 401
    assert not ExportJob.objects.exists()


def test_a_group_is_one_clinic_of_the_clients_reach(client, filled):
    clinic_auth = _auth(client, filled)
    missing = client.get(f"/fhir/Group/{filled.other_clinic.slug}/$export", **clinic_auth, **ASYNC)
    assert missing.status_code == 404
    region_auth = _auth(client, filled, region=filled.region)
    manifest = _complete(
        client,
        region_auth,
        _kick_off(client, region_auth, f"/fhir/Group/{filled.other_clinic.slug}/$export"),
    )
    patients = _lines(
        client, region_auth, next(i["url"] for i in manifest["output"] if i["type"] == "Patient")
    )
    assert [int(p["id"]) for p in patients] == [filled.far_patient.pk]


def test_another_client_cannot_see_the_job_or_its_files(client, filled):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    manifest = _complete(client, auth, status_url)
    other = _auth(client, filled)
    assert client.get(status_url, **other).status_code == 404
    url = manifest["output"][0]["url"].removeprefix("http://testserver")
    assert client.get(url, **other).status_code == 404
    assert client.get(url).status_code == 401


def test_delete_cancels_a_job_and_its_files(client, filled, export_dir):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    _complete(client, auth, status_url)
    assert any(export_dir.iterdir())
    assert client.delete(status_url, **auth).status_code == 202
    assert client.get(status_url, **auth).status_code == 404
    assert not any(export_dir.iterdir())
    assert AuditEvent.objects.filter(action="fhir.bulk_export_cancelled").count() == 1


def test_a_job_cancelled_while_running_stops_between_batches(client, filled, monkeypatch):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    job = ExportJob.objects.get()
    real = build.load_records
    calls = []

    def load_then_cancel(episodes, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            build.cancel(ExportJob.objects.get(pk=job.pk))
        return real(episodes, **kwargs)

    monkeypatch.setattr(build, "load_records", load_then_cancel)
    assert build.run(job.pk, batch_size=1) == "cancelled"
    assert len(calls) == 2
    assert client.get(status_url, **auth).status_code == 404


def test_expired_exports_are_forgotten(client, filled, export_dir):
    auth = _auth(client, filled)
    status_url = _kick_off(client, auth)
    _complete(client, auth, status_url)
    ExportJob.objects.update(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert client.get(status_url, **auth).status_code == 404
    assert build.forget_expired() == 1
    assert not ExportJob.objects.exists() and not any(export_dir.iterdir())


def test_batches_give_the_same_files(filled, client):
    auth = _auth(client, filled)
    one = _kick_off(client, auth)
    many = _kick_off(client, auth)
    assert build.run(one.rsplit("/", 1)[1], batch_size=1) == "done"
    assert build.run(many.rsplit("/", 1)[1], batch_size=100) == "done"
    first, second = (
        {f.name: f.count for f in ExportJob.objects.get(pk=url.rsplit("/", 1)[1]).files.all()}
        for url in (one, many)
    )
    assert first == second and first["Patient.1.ndjson"] == 2


def test_a_batch_costs_the_same_queries_however_many_patients(filled, client):
    """Fourteen queries a batch (patients, episodes, the six kinds under them, the
    audit transaction with its head lock, one insert and the head update, the
    progress), not a few more per patient. The clinics, therapists and programmes are
    read once per part, when a batch first meets them (here both episodes share them,
    so the second batch reads none)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tessera.core.models import Episode

    Episode.objects.filter(patient=filled.other_patient).update(therapist=filled["therapist"])
    auth = _auth(client, filled)
    counts, inserts = [], []
    for size in (1, 100):
        job_id = _kick_off(client, auth).rsplit("/", 1)[1]
        with CaptureQueriesContext(connection) as captured:
            assert build.run(job_id, batch_size=size) == "done"
        counts.append(len(captured))
        inserts.append(sum('INSERT INTO "core_auditevent"' in q["sql"] for q in captured))
    per_batch = counts[0] - counts[1]  # two batches of one patient against one of two
    assert 0 < per_batch <= 14
    assert inserts == [2, 1]  # one insert per batch, not one per patient
    exported = AuditEvent.objects.filter(action="fhir.bulk_exported")
    assert exported.count() == 2 * 2  # each run writes one event per patient
    from tessera.core import audit

    assert list(audit.verify_chain()) == []


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="EXPLAIN plans are PostgreSQL's",
)
def test_a_batch_reads_patients_from_its_key_on(filled, client):
    """The next batch's patients come from an index range of the patient table starting
    at the last key written, not from a scan that starts at the first patient (which
    made every batch cost more than the one before: issue 18's pages per episode
    growing x1.81 for x4 the episodes)."""
    from tests.core.test_scale import explain

    auth = _auth(client, filled)
    job = ExportJob.objects.get(pk=_kick_off(client, auth).rsplit("/", 1)[1])
    sql, params = build._next_patients_query(job, 12345, 500).query.sql_with_params()
    # The batch's order must come from the key (no sort of the patients read; on a few
    # rows a bitmap and a sort are as cheap, whichever the statistics left say).
    plan = explain(sql, params, off=("seqscan", "bitmapscan", "sort"))
    assert "using core_patient_pkey on core_patient" in plan and "(id > " in plan, plan
    assert "Seq Scan on core_patient" not in plan
    # the episodes side is bounded too (else a merge join reads them from the first)
    assert "(patient_id > " in plan and "Seq Scan on treatment_episode" not in plan, plan


def test_the_same_export_asked_again_while_under_way_is_the_same_job(client, filled):
    """A repeated kick-off (a retry, a double click) gets the job under way, not a
    second full export; other types, or the same once it is done, make a new one."""
    auth = _auth(client, filled)
    first = _kick_off(client, auth, _type="Observation,Patient")
    assert _kick_off(client, auth, _type="Patient,Observation") == first
    assert ExportJob.objects.count() == 1
    other = _kick_off(client, auth, _type="Patient")
    assert other != first and ExportJob.objects.count() == 2
    _complete(client, auth, first)
    again = _kick_off(client, auth, _type="Observation,Patient")
    assert again != first and ExportJob.objects.count() == 3
