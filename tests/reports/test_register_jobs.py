"""A clinic's register export in the background: queued from the page (audited), run by
the task worker with its progress saved between batches, downloaded when done; only the
clinic's managers see it, and its address holds a random id, nothing clinical."""

from __future__ import annotations

import csv
import io
import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.reports import tasks
from tessera.reports.actions import do_queue_register_export, run_job
from tessera.reports.models import RegisterExport, RegisterExportJob
from tessera.reports.register import export as register_export
from tessera.reports.register.export import load_profile, validate
from tests.conftest import sign_in


def test_a_background_export_runs_on_the_worker_with_progress(
    cohort, world, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(register_export, "BATCH", 2)  # progress saved every two courses
    seen = []
    real_pending = register_export.pending

    def watched(*args, progress=None, **kwargs):
        def spy(read):
            progress(read)
            seen.append(RegisterExportJob.objects.get(status="running").courses_done)

        return real_pending(*args, progress=spy if progress else None, **kwargs)

    monkeypatch.setattr(register_export, "pending", watched)
    sign_in(client, world["manager"])
    url = reverse("register_exports", args=["alpha"])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url, {"profile": "siber-1", "background": "1"})
    assert len(queued) == 1  # the task was handed to the worker on commit
    job = RegisterExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register_export_job", args=["alpha", job.pk])
    assert str(job.pk) in response["Location"] and "siber" not in response["Location"]
    assert job.status == "done" and job.courses_total == 6 and job.percent == 100
    assert seen == [2, 4, 6]  # the progress, as the page would read it
    export = job.export
    assert export.rows == 6 and export.clinic == world.clinic
    assert validate(export.content, load_profile("siber", 1)) == []
    page = client.get(response["Location"]).content.decode()
    assert "Done: 6 courses were exported." in page
    assert reverse("register_export_csv", args=["alpha", export.pk]) in page
    assert 'http-equiv="refresh"' not in page  # no more refreshing when done
    queued_event = AuditEvent.objects.get(action="report.register_export_queued")
    assert queued_event.clinic_id == world.clinic.pk and queued_event.changes["courses"] == 6
    assert AuditEvent.objects.filter(action="report.register_exported").count() == 1
    rows = list(csv.DictReader(io.StringIO(export.content)))
    assert len(rows) == 6
    # Run again: nothing new, and no second export.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"profile": "siber-1", "background": "1"})
    again = RegisterExportJob.objects.exclude(pk=job.pk).get()
    assert again.status == "done" and again.export is None
    assert RegisterExport.objects.count() == 1
    assert (
        "nothing new to export"
        in client.get(reverse("register_export_job", args=["alpha", again.pk])).content.decode()
    )


def test_a_queued_job_shows_its_progress_and_refreshes(cohort, world, client):
    sign_in(client, world["manager"])
    job = do_queue_register_export(world.clinic, "generic", 1, acting_user=world["manager"])
    RegisterExportJob.objects.filter(pk=job.pk).update(status="running", courses_done=3)
    page = client.get(reverse("register_export_job", args=["alpha", job.pk])).content.decode()
    assert "3 of 6 courses read." in page and 'value="50"' in page
    assert 'http-equiv="refresh"' in page
    # A second export of the same clinic to the same register waits for the first.
    try:
        do_queue_register_export(world.clinic, "generic", 1, acting_user=world["manager"])
    except ValidationError as error:
        assert "already running" in str(error)
    else:
        raise AssertionError("a second export was queued beside a running one")
    # The task of a job already finished does nothing again.
    RegisterExportJob.objects.filter(pk=job.pk).update(status="done")
    assert run_job(str(job.pk)) == "done"
    assert tasks.run_register_export.call(str(uuid.uuid4())) == "missing"


def test_only_the_clinics_managers_see_a_job(cohort, world, client):
    job = do_queue_register_export(world.clinic, "generic", 1, acting_user=world["manager"])
    url = reverse("register_export_job", args=["alpha", job.pk])
    for who in ("therapist", "supervisor", "region_admin"):
        if who in world.users:
            sign_in(client, world[who])
            assert client.get(url).status_code == 404, who
    sign_in(client, world["manager"])
    assert client.get(url).status_code == 200
    other = reverse("register_export_job", args=["alpha", uuid.uuid4()])
    assert client.get(other).status_code == 404


def test_a_failed_check_fails_the_job_and_writes_nothing(cohort, world, monkeypatch):
    job = do_queue_register_export(world.clinic, "siber", 1, acting_user=world["manager"])
    monkeypatch.setattr(register_export, "check", lambda cell, column: "is wrong")
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "is wrong" in job.error
    assert not RegisterExport.objects.exists()
