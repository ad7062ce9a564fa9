"""Building a Bulk Data export: one NDJSON file per resource type, written in batches of
episodes so memory stays constant however many episodes there are.

Episodes are read in keyset order of their patients, ``TESSERA_FHIR_EXPORT_BATCH``
patients (with all their episodes) at a time: the patients first (an index range of the
patient table), then their episodes and everything under them through
``record.load.load_records`` (a fixed number of queries per batch, each reading only the
batch's rows, so the database pages per episode stay flat however large the region);
each resource is validated with fhir.resources and appended to its file; a patient
with several episodes is written once; one audit event per patient is written for the
batch at once. Between batches the job's progress is saved and a cancellation is
noticed. A job that is run again (the
worker restarted mid-way) starts over: its files are rewritten from the beginning, so
nothing is duplicated.

``_since`` applies to what has a time of its own (questionnaires and their scores,
messages, sessions, alerts, letters), and to EpisodeOfCare and Condition through the
episode's audited changes and assessment (``record.changes``: one more query per batch);
Patient and CarePlan carry no change time in Tessera and are always included.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tessera.core import access, audit
from tessera.core.models import Episode, Patient
from tessera.letters.render import to_pdf

from ..models import ExportFile, ExportJob
from ..record.changes import episodes_changed_since
from ..record.document import episode_resources, validate
from ..record.load import load_records

# What $export can write; DocumentReference (letters with their PDFs) only when asked
# for by _type, since every letter is rendered to PDF.
TYPES = [
    "Patient",
    "EpisodeOfCare",
    "Condition",
    "CarePlan",
    "QuestionnaireResponse",
    "Observation",
    "Encounter",
    "Communication",
    "Flag",
    "DocumentReference",
]
DEFAULT_TYPES = [t for t in TYPES if t != "DocumentReference"]
# Left out for an episode that did not change since _since (record.changes).
FOLLOW_EPISODE_CHANGES = {"EpisodeOfCare", "Condition"}
# The questionnaire mapping validates these as it builds them (tessera/fhir/questionnaire.py).
VALIDATED_WHEN_BUILT = {"QuestionnaireResponse", "Observation"}


def job_dir(job: ExportJob) -> Path:
    return Path(settings.TESSERA_FHIR_EXPORT_DIR) / str(job.pk)


def file_path(job: ExportJob, name: str) -> Path:
    return job_dir(job) / name


def job_episodes(job: ExportJob):
    where = Q(access.system_client_episode_scope(job.client))
    if job.clinic_id:
        where &= Q(clinic_id=job.clinic_id)
    return Episode.objects.filter(where)


def _since_filter(record, since: dt.datetime) -> None:
    record.responses = [x for x in record.responses if x.submitted_at >= since]
    record.messages = [x for x in record.messages if x.sent_at >= since]
    record.open_alerts = [x for x in record.open_alerts if x.opened_at >= since]
    record.letters = [x for x in record.letters if x.created_at >= since]
    record.appointments = [
        x for x in record.appointments if max(x.booked_at, x.recorded_at or x.booked_at) >= since
    ]
    if record.assessed_at and record.assessed_at < since:
        record.assessed_at = None


class Cancelled(Exception):
    pass


class Files:
    """One NDJSON file per resource type, opened when its first line comes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.handles: dict[str, object] = {}
        self.counts: dict[str, int] = {}

    def write(self, resource: dict) -> None:
        kind = resource["resourceType"]
        handle = self.handles.get(kind)
        if handle is None:
            handle = self.handles[kind] = (self.folder / f"{kind}.ndjson").open(
                "w", encoding="utf-8"
            )
            self.counts[kind] = 0
        handle.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _start(job_id) -> ExportJob | None:
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update().select_related("client").filter(pk=job_id).first()
        )
        if job is None or job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
            return None
        job.status = ExportJob.Status.RUNNING
        job.transaction_time = timezone.now()
        job.episodes_total = job_episodes(job).count()
        job.episodes_done = 0
        job.save(update_fields=["status", "transaction_time", "episodes_total", "episodes_done"])
        job.files.all().delete()
    return job


def _base(job: ExportJob) -> str:
    if settings.TESSERA_FHIR_BASE_URL:
        return settings.TESSERA_FHIR_BASE_URL
    return job.request_url.split("/$export")[0].split("/Group/")[0]


def _next_patients(job: ExportJob, last_patient: int, batch_size: int) -> dict:
    """The next batch of patients (id → Patient), in key order after ``last_patient``.

    Read from the patient table (an index range from ``last_patient`` on, each patient
    checked for an episode the client may see by one index probe), not from the
    episodes joined to patients: there the planner had no bound on the patient side and
    read every patient before the batch (a merge join from the first key), or hashed
    the whole patient table, so each batch cost more than the one before."""
    return {patient.pk: patient for patient in _next_patients_query(job, last_patient, batch_size)}


def _next_patients_query(job: ExportJob, last_patient: int, batch_size: int):
    # The bound is given on both sides: a merge join of patients with their episodes
    # otherwise reads the episodes from the first patient on (EXPLAIN at 8,000 and
    # 32,000 episodes: 105 and 376 pages for the same batch).
    episodes = Q(patient_id__gt=last_patient)
    if job.clinic_id:
        episodes &= Q(clinic_id=job.clinic_id)
    return Patient.objects.filter(
        access.system_client_patient_scope(job.client, episodes), pk__gt=last_patient
    ).order_by("pk")[:batch_size]


def _batch_episodes(job: ExportJob, patients: dict):
    """The episodes of a batch's patients the client may see (the patients were checked
    for training status as they were read)."""
    where = access.system_client_clinic_scope(job.client)
    if where is None:
        return Episode.objects.none()
    if job.clinic_id:
        where &= Q(clinic_id=job.clinic_id)
    return Episode.objects.filter(where, patient_id__in=list(patients)).order_by("patient_id", "pk")


def _unchanged(job: ExportJob, records) -> set[int]:
    """With ``_since``: the batch's episodes that did not change (one query)."""
    if not job.since:
        return set()
    ids = [record.episode.pk for record in records]
    changed = Episode.objects.filter(episodes_changed_since(job.since), pk__in=ids)
    return set(ids) - set(changed.values_list("pk", flat=True))


def _write_all(job: ExportJob, files: Files, batch_size: int, validate_each: bool) -> None:
    types = set(job.types)
    base = _base(job)
    pdf_for = to_pdf if "DocumentReference" in types else None
    last_patient = 0  # the last patient written
    written_patient = None
    while True:
        patients = _next_patients(job, last_patient, batch_size)
        if not patients:
            return
        records = load_records(
            _batch_episodes(job, patients), letters=pdf_for is not None, patients=patients
        )
        if not records:
            return
        exported = []
        unchanged = _unchanged(job, records)
        for record in records:
            first_of_patient = record.episode.patient_id != written_patient
            written_patient = record.episode.patient_id
            if first_of_patient:
                exported.append(record.episode)
            if job.since:
                _since_filter(record, job.since)
            for resource in episode_resources(record, base, pdf_for=pdf_for):
                kind = resource["resourceType"]
                if kind not in types or (kind == "Patient" and not first_of_patient):
                    continue
                if kind in FOLLOW_EPISODE_CHANGES and record.episode.pk in unchanged:
                    continue
                check = validate_each and kind not in VALIDATED_WHEN_BUILT
                files.write(validate(resource) if check else resource)
        last_patient = max(patients)
        # One event per patient, written for the batch at once (one head lock and one
        # insert per clinic's chain, not two round trips and a head update each).
        audit.record_many(
            "fhir.bulk_exported",
            [
                {
                    "patient": episode.patient,
                    "clinic": episode.clinic,
                    "changes": {"client": job.client.name, "export": str(job.pk)},
                }
                for episode in exported
            ],
            actor_role="system",
        )
        done = job.episodes_done + len(records)
        running = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING)
        if not running.update(episodes_done=done):
            raise Cancelled
        job.episodes_done = done


def _finish(job: ExportJob, files: Files) -> str:
    with transaction.atomic():
        still = ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        if still is None or still.status != ExportJob.Status.RUNNING:
            shutil.rmtree(files.folder, ignore_errors=True)
            return still.status if still else ExportJob.Status.CANCELLED
        ExportFile.objects.bulk_create(
            ExportFile(job=job, resource_type=kind, name=f"{kind}.ndjson", count=files.counts[kind])
            for kind in TYPES
            if kind in files.counts
        )
        now = timezone.now()
        still.status = ExportJob.Status.DONE
        still.finished_at = now
        still.expires_at = now + dt.timedelta(hours=settings.TESSERA_FHIR_EXPORT_HOURS)
        still.save(update_fields=["status", "finished_at", "expires_at"])
    return ExportJob.Status.DONE


def run(job_id, *, batch_size: int | None = None, validate_each: bool = True) -> str:
    """Build the export; returns the job's final status."""
    job = _start(job_id)
    if job is None:
        found = ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return found or "missing"
    folder = job_dir(job)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    files = Files(folder)
    try:
        _write_all(job, files, batch_size or settings.TESSERA_FHIR_EXPORT_BATCH, validate_each)
    except Cancelled:
        files.close()
        shutil.rmtree(folder, ignore_errors=True)
        return ExportJob.Status.CANCELLED
    except Exception as exc:  # recorded on the job for the client, then raised for the log
        files.close()
        shutil.rmtree(folder, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: the export could not be built"[:500],
        )
        raise
    files.close()
    return _finish(job, files)


def forget_expired(now: dt.datetime | None = None) -> int:
    """Delete the files and rows of exports past their expiry; returns how many."""
    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lt=now))
    for job in expired:
        shutil.rmtree(job_dir(job), ignore_errors=True)
        job.delete()
    return len(expired)


def cancel(job: ExportJob) -> None:
    """Stop a job (the worker notices between batches) and remove it and its files."""
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.CANCELLED)
    shutil.rmtree(job_dir(job), ignore_errors=True)
    job.delete()
