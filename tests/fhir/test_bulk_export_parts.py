"""Parallel Bulk Data export: a job split into parts (ranges of patient ids), each part
claimed by one worker, one NDJSON file per part per resource type; a worker killed
mid-part leaves it to be taken again and rewritten whole; a worker that lost its part
drops what it wrote; cancelling stops every part; two workers on PostgreSQL build one
job with exactly the lines of one worker (run with DATABASE_URL=postgres://… for that
test; the rest run on both databases)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import threading
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from tessera.fhir import tasks
from tessera.fhir.bulk import build
from tessera.fhir.models import ExportJob, ExportPart
from tests.fhir.record_fixtures import fill_episode
from tests.fhir.smart_helpers import KeyPair, register

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


class Killed(BaseException):
    """The worker process dies (nothing in the export catches it)."""


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    settings.TESSERA_FHIR_EXPORT_PART_EPISODES = 1  # a part per patient in these tests
    return settings.TESSERA_FHIR_EXPORT_DIR


def _job(world, **where) -> ExportJob:
    client = register(keys=KeyPair(), **(where or {"region": world.region}))
    return ExportJob.objects.create(
        client=client, types=build.DEFAULT_TYPES, request_url="http://testserver/fhir/$export"
    )


def _lines(job: ExportJob) -> list[str]:
    job.refresh_from_db()
    lines = []
    for row in job.files.all():
        lines += build.file_path(job, row.name).read_text(encoding="utf-8").splitlines()
    return lines


def _keys(lines) -> Counter:
    return Counter((r["resourceType"], r["id"]) for r in map(json.loads, lines))


def _reference(world) -> Counter:
    """What one worker writes for the same client and data, built in one go."""
    job = _job(world)
    assert build.run(job.pk, batch_size=1) == "done"
    return _keys(_lines(job))


def test_a_job_is_split_into_parts_with_a_file_per_part_and_type(client, world):
    fill_episode(world)
    job = _job(world)
    started = build.start(job.pk)
    parts = list(started.parts.all())
    assert started.episodes_total == 3 and len(parts) == 3  # three patients in the region
    assert [p.after_patient < p.last_patient for p in parts] == [True] * 3
    assert all(a.last_patient == b.after_patient for a, b in zip(parts, parts[1:], strict=False))
    assert build.work(job.pk, batch_size=1) == "done"
    names = set(job.files.values_list("name", flat=True))
    assert {"Patient.1.ndjson", "Patient.2.ndjson", "Patient.3.ndjson"} <= names
    assert sum(job.files.filter(resource_type="Patient").values_list("count", flat=True)) == 3
    assert job.parts.filter(status="done").count() == 3
    # no worker's own folder is left behind: only the files the manifest lists
    assert sorted(p.name for p in build.job_dir(job).iterdir()) == sorted(names)


def test_progress_counts_parts_done(client, world):
    fill_episode(world)
    keys = KeyPair()
    registered = register(keys=keys, clinic=world.clinic)
    from tests.fhir.smart_helpers import get_token

    auth = {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered)}"}
    status_url = client.get("/fhir/$export", **auth, **ASYNC)["Content-Location"]
    job = build.start(status_url.rsplit("/", 1)[1])
    assert job.parts.count() == 2
    job.parts.filter(number=1).update(status="done", episodes_done=1)
    response = client.get(status_url, **auth)
    assert response.status_code == 202
    assert response["X-Progress"] == "1 of 2 parts, 1 of 2 episodes"


def test_a_worker_killed_mid_part_is_retaken_and_its_part_rewritten(world, monkeypatch):
    fill_episode(world)
    expected = _reference(world)
    job = _job(world)
    real = build.load_records
    calls = []

    def die_in_second_part(episodes, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # part 1 is done; part 2 has its folder and its claim
            raise Killed
        return real(episodes, **kwargs)

    monkeypatch.setattr(build, "load_records", die_in_second_part)
    with pytest.raises(Killed):
        build.run(job.pk, batch_size=1)
    monkeypatch.setattr(build, "load_records", real)
    held = ExportPart.objects.get(job=job, number=2)
    assert held.status == "running" and held.attempts == 1
    # Another worker does not take it while its heartbeat is fresh ...
    assert build.work(job.pk, batch_size=1) == "running"
    assert job.parts.get(number=2).attempts == 1 and build.stalled_jobs() == []
    # ... but does once the heartbeat is older than the stale time.
    job.parts.filter(number=2).update(heartbeat_at=held.heartbeat_at - dt.timedelta(hours=1))
    assert build.stalled_jobs() == [job.pk]
    assert tasks.resume_stalled_exports.call() == 1  # sends a worker (immediate backend)
    job.refresh_from_db()
    assert job.status == "done" and job.parts.get(number=2).attempts == 2
    lines = _lines(job)
    assert _keys(lines) == expected and max(_keys(lines).values()) == 1
    assert all(not p.name.startswith("part-") for p in build.job_dir(job).iterdir())


def test_a_worker_that_lost_its_part_drops_what_it_wrote(world, settings):
    fill_episode(world)
    job = build.start(_job(world).pk)
    slow = build._claim(job)
    assert slow.number == 1
    job.parts.filter(number=1).update(heartbeat_at=slow.heartbeat_at - dt.timedelta(hours=1))
    quick = build._claim(job)
    assert quick.number == 1 and quick.claim != slow.claim
    with pytest.raises(build.Lost):
        build._beat(slow, 1)
    folder = build.job_dir(job) / "slow"
    folder.mkdir(parents=True)
    files = build.Files(folder)
    files.write({"resourceType": "Patient", "id": "stale"})
    files.close()
    with pytest.raises(build.Lost):
        build._part_done(job, slow, files, 1)
    assert not (build.job_dir(job) / "Patient.1.ndjson").exists()
    job.parts.filter(number=1).update(status="queued", claim="")
    assert build.work(job.pk, batch_size=1) == "done"
    assert "stale" not in "".join(_lines(job))


def test_cancel_stops_every_part(client, world, monkeypatch, export_dir):
    fill_episode(world)
    job = build.start(_job(world).pk)
    real = build.load_records

    def cancel_then_load(episodes, **kwargs):
        build.cancel(ExportJob.objects.get(pk=job.pk))
        return real(episodes, **kwargs)

    monkeypatch.setattr(build, "load_records", cancel_then_load)
    assert build.work(job.pk, batch_size=1) == "cancelled"
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not ExportPart.objects.filter(job_id=job.pk).exists()
    assert not build.job_dir(job).exists()
    assert build.work(job.pk, batch_size=1) == "missing"  # a second worker finds nothing


def test_a_failed_part_fails_the_job_and_stops_the_others(world, monkeypatch):
    fill_episode(world)
    job = build.start(_job(world).pk)

    def broken(episodes, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(build, "load_records", broken)
    with pytest.raises(ValueError):
        build.work(job.pk, batch_size=1)
    job.refresh_from_db()
    assert job.status == "failed" and not build.job_dir(job).exists()
    assert build._claim(job) is None  # nothing is claimed for a failed job


def test_the_kick_off_task_asks_for_more_workers(world, monkeypatch, settings):
    fill_episode(world)
    settings.TESSERA_FHIR_EXPORT_WORKERS = 2
    job = _job(world)
    asked = []

    class Queue:
        @staticmethod
        def enqueue(job_id):
            asked.append(job_id)

    monkeypatch.setattr(tasks, "work_on_export", Queue)
    assert tasks.run_export.call(str(job.pk)) == "done"  # this worker did every part
    assert asked == [str(job.pk)]


# --- two workers at once, on PostgreSQL --------------------------------------------------

_AUDIT_TRIGGERS = importlib.import_module("tessera.core.migrations.0002_audit_append_only")
_RESTORE_UID = "tessera-fhir-restore-audit-triggers"


def _restore_audit_triggers(sender, **kwargs):
    post_migrate.disconnect(sender=sender, dispatch_uid=_RESTORE_UID)
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.forwards(apps, editor)


@pytest.fixture
def flushable(transactional_db):
    """The audit table refuses deletes (core 0002), and so the flush that ends a
    transactional test: drop its triggers just before, and put them back after."""
    yield
    core = apps.get_app_config("core")
    post_migrate.connect(
        _restore_audit_triggers, sender=core, weak=False, dispatch_uid=_RESTORE_UID
    )
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.backwards(apps, editor)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two workers at once need PostgreSQL's row locks (SQLite: one worker)",
)
def test_two_workers_build_one_job_with_exactly_the_lines_of_one(flushable, settings, tmp_path):
    from tests.conftest import build_world, make_patient

    world = build_world()
    fill_episode(world)
    for n in range(3):
        make_patient(world.clinic, f"more{n}@alpha.test", therapist=world["therapist"])
    expected = _reference(world)
    assert sum(1 for kind, _ in expected if kind == "Patient") == 6
    job = build.start(_job(world).pk)
    assert job.parts.count() == 6
    together = threading.Barrier(2, timeout=30)
    real = build.load_records
    first = threading.local()
    errors, statuses = [], []

    def overlapping(episodes, **kwargs):
        if not getattr(first, "seen", False):  # both workers hold a part at once
            first.seen = True
            together.wait()
        return real(episodes, **kwargs)

    build.load_records = overlapping
    try:

        def worker():
            try:
                statuses.append(build.work(job.pk, batch_size=1))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        build.load_records = real
    assert errors == []
    assert "done" in statuses
    job.refresh_from_db()
    assert job.status == "done" and job.episodes_done == 6
    lines = _lines(job)
    assert _keys(lines) == expected  # every line once: none twice, none missing
    assert len(lines) == sum(expected.values())
    claimed = list(job.parts.values_list("attempts", flat=True))
    assert claimed == [1] * 6  # no part was built twice


def test_a_job_whose_finisher_died_is_completed_by_the_sweep(world):
    from django.core.management import call_command

    fill_episode(world)
    job = _job(world)
    build.start(job.pk)
    while (part := build._claim(job)) is not None:  # every part built, the job not completed
        folder = build.job_dir(job) / f"part-{part.number}.{part.claim}"
        folder.mkdir(parents=True)
        files = build.Files(folder)
        episodes = build._write_part(job, part, files, 1, True)
        files.close()
        build._part_done(job, part, files, episodes)
    job.refresh_from_db()
    assert job.status == "running" and build.stalled_jobs() == []
    ExportJob.objects.filter(pk=job.pk).update(
        transaction_time=job.transaction_time - dt.timedelta(hours=1)
    )
    assert build.stalled_jobs() == [job.pk]
    call_command("fhir_sweep", stdout=open(os.devnull, "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == "done" and job.files.filter(resource_type="Patient").count() == 3
