"""A region's register export in the background, for its administrators: queued from the
region's register page (audited), run by the task worker with its progress saved, the
CSV downloaded when done; a second run sends nothing new, and nor does a clinic's export
of a course the region already sent (one register, one lock)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.reports.actions import (
    do_export_clinic_to_register,
    do_queue_region_register_export,
    run_job,
)
from tessera.reports.actions.registers import register_for
from tessera.reports.models import RegisterExport, RegisterExportJob, RegisterRow
from tessera.reports.register import export as register_export
from tessera.reports.register.export import load_profile, validate
from tests.conftest import sign_in


def test_a_region_administrator_exports_the_region_in_the_background(
    cohort, world, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(register_export, "BATCH", 2)
    sign_in(client, world["region_admin"])
    url = reverse("region_register_exports", args=[world.region.pk])
    assert "No exports yet." in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url, {"profile": "siber-1"})
    assert len(queued) == 1
    job = RegisterExportJob.objects.get()
    assert job.region == world.region and job.clinic is None
    assert response["Location"] == reverse(
        "region_register_export_job", args=[world.region.pk, job.pk]
    )
    assert job.status == "done" and job.courses_total == 6 and job.percent == 100
    export = job.export
    assert export.rows == 6 and export.region == world.region and export.clinic is None
    assert validate(export.content, load_profile("siber", 1)) == []
    page = client.get(response["Location"]).content.decode()
    assert "Done: 6 courses were exported." in page
    csv_url = reverse("region_register_export_csv", args=[world.region.pk, export.pk])
    assert csv_url in page
    download = client.get(csv_url)
    assert download.status_code == 200 and download.content.decode() == export.content
    queued_event = AuditEvent.objects.get(action="report.register_export_queued")
    assert queued_event.changes["region"] == world.region.pk
    assert queued_event.changes["courses"] == 6 and queued_event.changes["clinics"] == 2
    made = AuditEvent.objects.get(action="report.register_exported")
    assert made.changes["region"] == world.region.pk and made.changes["rows"] == 6
    assert AuditEvent.objects.filter(
        action="report.downloaded", changes__region=world.region.pk
    ).exists()
    # Twice: nothing new, no second file.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"profile": "siber-1"})
    again = RegisterExportJob.objects.exclude(pk=job.pk).get()
    assert again.status == "done" and again.export is None
    assert RegisterExport.objects.count() == 1
    page = client.get(reverse("region_register_export_job", args=[world.region.pk, again.pk]))
    assert "nothing new to export" in page.content.decode()
    # And a clinic's own export after it sends nothing the region sent.
    assert (
        do_export_clinic_to_register(world.clinic, "siber", 1, acting_user=world["manager"]) is None
    )


def test_what_a_clinic_sent_first_the_region_does_not_send_again(
    cohort, world, django_capture_on_commit_callbacks
):
    first = do_export_clinic_to_register(
        world.clinic, "generic", 1, acting_user=world["manager"], end=cohort_day(world)
    )
    assert first is not None and 0 < first.rows < 6
    with django_capture_on_commit_callbacks(execute=True):
        job = do_queue_region_register_export(
            world.region, "generic", 1, acting_user=world["region_admin"]
        )
    job.refresh_from_db()
    assert job.status == "done" and job.export.rows == 6 - first.rows
    sent = RegisterRow.objects.values_list("episode_id", flat=True)
    assert len(sent) == len(set(sent)) == 6


def cohort_day(world):
    """A period end that holds some but not all of the cohort's courses."""
    from tessera.reports.models import EpisodeOutcome

    days = sorted(
        EpisodeOutcome.objects.exclude(started_on=None).values_list("started_on", flat=True)
    )
    return days[len(days) // 2 - 1]


def test_rows_another_export_sent_while_the_region_read_are_left_out(cohort, world, monkeypatch):
    """The re-check under the register's lock: the region's job read every course, then
    (before it wrote) the clinic exported them; the job writes nothing."""
    job = RegisterExportJob.objects.create(
        region=world.region, profile="generic", version=1, requested_by=world["region_admin"]
    )
    real_pending = register_export.pending

    def then_the_clinic_exports(*args, **kwargs):
        found = real_pending(*args, **kwargs)
        monkeypatch.setattr(register_export, "pending", real_pending)  # once
        do_export_clinic_to_register(world.clinic, "generic", 1, acting_user=world["manager"])
        return found

    monkeypatch.setattr(register_export, "pending", then_the_clinic_exports)
    assert run_job(str(job.pk)) == "done"
    job.refresh_from_db()
    assert job.export is None
    assert RegisterExport.objects.count() == 1  # the clinic's alone
    assert RegisterRow.objects.count() == 6
    assert register_for("generic", 1).pk is not None


def test_a_second_region_export_waits_and_others_see_nothing(cohort, world, client):
    job = do_queue_region_register_export(
        world.region, "generic", 1, acting_user=world["region_admin"]
    )
    RegisterExportJob.objects.filter(pk=job.pk).update(status="running", courses_done=3)
    try:
        do_queue_region_register_export(
            world.region, "generic", 1, acting_user=world["region_admin"]
        )
    except ValidationError as error:
        assert "already running" in str(error)
    else:
        raise AssertionError("a second region export was queued beside a running one")
    sign_in(client, world["region_admin"])
    page = client.post(
        reverse("region_register_exports", args=[world.region.pk]), {"profile": "generic-1"}
    )
    assert page.status_code == 200 and "already running" in page.content.decode()
    url = reverse("region_register_export_job", args=[world.region.pk, job.pk])
    body = client.get(url).content.decode()
    assert "3 of 6 courses read." in body and 'http-equiv="refresh"' in body
    for who in ("manager", "therapist", "supervisor"):
        sign_in(client, world[who])
        assert client.get(url).status_code == 404, who
    sign_in(client, world["region_admin"])
    missing = reverse("region_register_export_job", args=[world.region.pk, uuid.uuid4()])
    assert client.get(missing).status_code == 404
    # A clinic's job is not shown under the region, nor the region's under a clinic.
    clinic_job = RegisterExportJob.objects.create(
        clinic=world.clinic, profile="generic", version=1, requested_by=world["manager"]
    )
    assert (
        client.get(
            reverse("region_register_export_job", args=[world.region.pk, clinic_job.pk])
        ).status_code
        == 404
    )


def _queue_region_job(world, django_capture_on_commit_callbacks):
    """Queue the region's export without running it (the worker runs it later)."""
    with django_capture_on_commit_callbacks(execute=False):
        job = do_queue_region_register_export(
            world.region, "generic", 1, acting_user=world["region_admin"]
        )
    return job


def test_a_clinic_added_to_the_region_after_queueing_is_not_exported(
    cohort, world, django_capture_on_commit_callbacks
):
    """Decision 0031: the job exports the clinics of the region when it was queued."""
    from tessera.core.models import Region
    from tessera.treatment import actions as treatment
    from tests.conftest import make_clinic, make_patient

    other = Region.objects.create(name="Elsewhere", country="SE")
    moving = make_clinic(other, "gamma")
    job = _queue_region_job(world, django_capture_on_commit_callbacks)
    assert job.clinics == {
        str(world.clinic.pk): world.clinic.outcome_rule,
        str(world.other_clinic.pk): world.other_clinic.outcome_rule,
    }
    queued = AuditEvent.objects.get(action="report.register_export_queued")
    assert queued.changes["clinic_ids"] == sorted([world.clinic.pk, world.other_clinic.pk])
    # Between queue and run: a clinic with a started course joins the region.
    with django_capture_on_commit_callbacks(execute=True):
        _patient, episode = make_patient(moving, "late@gamma.test", first="Gus")
        treatment.do_start_treatment(episode)
    moving.region = world.region
    moving.save(update_fields=["region"])
    assert register_export.count(clinic_ids={moving.pk}) == 1
    assert run_job(str(job.pk)) == "done"
    job.refresh_from_db()
    assert job.export.rows == 6 == job.courses_total
    assert not RegisterRow.objects.filter(episode_id=episode.pk).exists()


def test_a_clinic_that_left_the_region_or_changed_its_rule_refuses_the_export(
    cohort, world, django_capture_on_commit_callbacks
):
    """Decision 0031: refused, nothing written, and the page says why; queued again, it
    exports the region's clinics of that moment."""
    from tessera.core.models import Clinic, Region

    job = _queue_region_job(world, django_capture_on_commit_callbacks)
    other = Region.objects.create(name="Elsewhere", country="SE")
    Clinic.objects.filter(pk=world.clinic.pk).update(region=other)
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.export is None and RegisterExport.objects.count() == 0
    assert "Clinic alpha has left the region since the export was queued." in job.error
    assert "Nothing was written." in job.error
    assert not RegisterRow.objects.exists()

    Clinic.objects.filter(pk=world.clinic.pk).update(region=world.region)
    job = _queue_region_job(world, django_capture_on_commit_callbacks)
    Clinic.objects.filter(pk=world.other_clinic.pk).update(outcome_rule="swedish")
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert "Clinic beta has changed its outcome rule since the export was queued." in job.error

    job = _queue_region_job(world, django_capture_on_commit_callbacks)  # queued anew
    assert run_job(str(job.pk)) == "done"
    job.refresh_from_db()
    assert job.export.rows == 6


def test_a_clinic_job_records_its_clinic_and_rule(
    cohort, world, django_capture_on_commit_callbacks
):
    from tessera.core.models import Clinic
    from tessera.reports.actions import do_queue_register_export

    with django_capture_on_commit_callbacks(execute=False):
        job = do_queue_register_export(world.clinic, "generic", 1, acting_user=world["manager"])
    assert job.clinics == {str(world.clinic.pk): world.clinic.outcome_rule}
    Clinic.objects.filter(pk=world.clinic.pk).update(outcome_rule="swedish")
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert "has changed its outcome rule" in job.error
