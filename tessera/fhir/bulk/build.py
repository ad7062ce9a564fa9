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
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tessera.core import access, audit
from tessera.core.models import Episode, Patient
from tessera.letters.render import to_pdf

from ..models import ExportFile, ExportJob, ExportPart
from ..record.changes import episodes_changed_since
from ..record.document import episode_resources, validate
from ..record.load import Lookups, load_records

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
# The patient's columns the Patient resource reads (record.resources.patient_resource).
PATIENT_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "date_of_birth",
    "national_id_country",
    "national_id",
    "email",
    "phone",
    "preferred_language",
    "gp_name",
    "gp_practice",
)
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
    """The job was cancelled (or failed in another part): stop."""


class Lost(Exception):
    """This worker's claim on its part is gone (the part was taken again after the
    worker was thought dead): drop what it wrote and claim another."""


# One encoder for every line, not one made by json.dumps per call; the same bytes.
_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
        handle.write(_LINE(resource) + "\n")
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def part_file_name(kind: str, number: int) -> str:
    return f"{kind}.{number}.ndjson"


def _parts_wanted(episodes: int) -> int:
    per_part = max(1, settings.TESSERA_FHIR_EXPORT_PART_EPISODES)
    return max(1, min(settings.TESSERA_FHIR_EXPORT_PARTS_MAX, -(-episodes // per_part)))


def _split(job: ExportJob) -> list[ExportPart]:
    """The job's parts: ranges of patient ids holding about equal numbers of episodes.

    The bounds are counted, not measured: the patient of every ``step``-th episode in
    patient order (a row number over the episodes in scope, one query; only the bounds
    come back). Equal widths of ids gave uneven parts where a region's patients
    interleave with other regions' (one part with most of the episodes, others almost
    empty). A patient's episodes never straddle two parts; a patient with more episodes
    than a step just makes one part larger (and the bound is not repeated)."""
    found = job_episodes(job).aggregate(
        episodes=Count("pk"), first=Min("patient_id"), last=Max("patient_id")
    )
    job.episodes_total = found["episodes"]
    if not found["episodes"]:
        return [ExportPart(job=job, number=1, after_patient=0, last_patient=0)]
    first, last = found["first"], found["last"]
    count = _parts_wanted(found["episodes"])
    step = -(-found["episodes"] // count)
    inner = [step * k for k in range(1, count)]
    bounds = [first - 1]
    if inner:
        ranked = job_episodes(job).annotate(
            position=Window(RowNumber(), order_by=[F("patient_id").asc(), F("pk").asc()])
        )
        bounds += sorted(
            {
                patient
                for patient in ranked.filter(position__in=inner).values_list(
                    "patient_id", flat=True
                )
                if patient < last
            }
        )
    bounds.append(last)
    return [
        ExportPart(job=job, number=k + 1, after_patient=bounds[k], last_patient=bounds[k + 1])
        for k in range(len(bounds) - 1)
    ]


def start(job_id) -> ExportJob | None:
    """Split a queued job into parts and mark it running; a running job is returned as
    it is (a further worker joins it); None when it is no longer to be built."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(no_key=True)
            .select_related("client")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
            return None
        if job.status == ExportJob.Status.RUNNING:
            return job
        job.files.all().delete()
        job.parts.all().delete()
        shutil.rmtree(job_dir(job), ignore_errors=True)
        ExportPart.objects.bulk_create(_split(job))
        job.status = ExportJob.Status.RUNNING
        job.transaction_time = timezone.now()
        job.episodes_done = 0
        job.save(update_fields=["status", "transaction_time", "episodes_total", "episodes_done"])
    return job


def _base(job: ExportJob) -> str:
    if settings.TESSERA_FHIR_BASE_URL:
        return settings.TESSERA_FHIR_BASE_URL
    return job.request_url.split("/$export")[0].split("/Group/")[0]


def _next_patients(job: ExportJob, last_patient: int, batch_size: int, upto=None) -> dict:
    """The next batch of patients (id → Patient), in key order after ``last_patient``
    (and up to ``upto``, the end of the part, when given).

    Read from the patient table (an index range from ``last_patient`` on, each patient
    checked for an episode the client may see by one index probe), not from the
    episodes joined to patients: there the planner had no bound on the patient side and
    read every patient before the batch (a merge join from the first key), or hashed
    the whole patient table, so each batch cost more than the one before."""
    return {
        patient.pk: patient
        for patient in _next_patients_query(job, last_patient, batch_size, upto=upto)
    }


def _next_patients_query(job: ExportJob, last_patient: int, batch_size: int, upto=None):
    # The bound is given on both sides: a merge join of patients with their episodes
    # otherwise reads the episodes from the first patient on (EXPLAIN at 8,000 and
    # 32,000 episodes: 105 and 376 pages for the same batch).
    episodes = Q(patient_id__gt=last_patient)
    patients = Q(pk__gt=last_patient)
    if upto is not None:
        episodes &= Q(patient_id__lte=upto)
        patients &= Q(pk__lte=upto)
    if job.clinic_id:
        episodes &= Q(clinic_id=job.clinic_id)
    return (
        Patient.objects.filter(access.system_client_patient_scope(job.client, episodes), patients)
        .only(*PATIENT_FIELDS)
        .order_by("pk")[:batch_size]
    )


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


def _claim(job: ExportJob) -> ExportPart | None:
    """Take the next part nobody holds: a queued one, or a running one whose worker
    sent no heartbeat for ``TESSERA_FHIR_EXPORT_PART_STALE_SECONDS``. On PostgreSQL the
    candidate is locked with SKIP LOCKED (workers never wait on each other); on every
    database the claim is a compare-and-set, so two workers never hold one part."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.TESSERA_FHIR_EXPORT_PART_STALE_SECONDS)
    takeable = Q(status=ExportPart.Status.QUEUED) | Q(
        status=ExportPart.Status.RUNNING, heartbeat_at__lt=stale
    )
    while True:
        with transaction.atomic():
            part = (
                ExportPart.objects.select_for_update(
                    skip_locked=connection.features.has_select_for_update_skip_locked,
                    of=("self",),  # never the job's row: the last part's finisher locks it
                )
                .filter(takeable, job_id=job.pk, job__status=ExportJob.Status.RUNNING)
                .order_by("number")
                .first()
            )
            if part is None:
                return None
            claim = uuid.uuid4().hex
            taken = ExportPart.objects.filter(
                pk=part.pk, status=part.status, claim=part.claim
            ).update(
                status=ExportPart.Status.RUNNING,
                claim=claim,
                heartbeat_at=now,
                attempts=F("attempts") + 1,
                episodes_done=0,
                counts={},
            )
        if taken:
            part.status, part.claim, part.heartbeat_at = ExportPart.Status.RUNNING, claim, now
            part.episodes_done, part.counts = 0, {}
            return part


def _beat(part: ExportPart, episodes_done: int) -> None:
    """Save the part's progress and heartbeat; notice a cancelled job or a lost claim."""
    held = ExportPart.objects.filter(
        pk=part.pk, claim=part.claim, job__status=ExportJob.Status.RUNNING
    ).update(episodes_done=episodes_done, heartbeat_at=timezone.now())
    if not held:
        if not ExportJob.objects.filter(pk=part.job_id, status=ExportJob.Status.RUNNING).exists():
            raise Cancelled
        raise Lost


def _write_part(job: ExportJob, part: ExportPart, files: Files, batch_size: int, validate_each):
    types = set(job.types)
    base = _base(job)
    pdf_for = to_pdf if "DocumentReference" in types else None
    last_patient = part.after_patient  # the last patient written
    written_patient = None
    done = 0
    lookups = Lookups()  # clinics, therapists, programmes: read once per part
    while True:
        patients = _next_patients(job, last_patient, batch_size, upto=part.last_patient)
        if not patients:
            return done
        records = load_records(
            _batch_episodes(job, patients),
            letters=pdf_for is not None,
            patients=patients,
            lean=lookups,
        )
        if not records:
            return done
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
        done += len(records)
        _beat(part, done)


def _part_done(job: ExportJob, part: ExportPart, files: Files, episodes: int) -> None:
    """Move the part's files into place and mark it done, only while this worker still
    holds the claim (a file moved over an earlier attempt's replaces it whole)."""
    with transaction.atomic():
        held = (
            ExportPart.objects.select_for_update(no_key=True)
            .filter(pk=part.pk, claim=part.claim, status=ExportPart.Status.RUNNING)
            .first()
        )
        if held is None:
            if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).exists():
                raise Cancelled
            raise Lost
        for kind in files.counts:
            target = job_dir(job) / part_file_name(kind, part.number)
            os.replace(files.folder / f"{kind}.ndjson", target)
        held.status = ExportPart.Status.DONE
        held.counts = dict(files.counts)
        held.episodes_done = episodes
        held.heartbeat_at = timezone.now()
        held.save(update_fields=["status", "counts", "episodes_done", "heartbeat_at"])


def _finish_if_complete(job: ExportJob) -> str:
    """When every part is done, list the files and mark the job done (once: under the
    job's lock); returns the job's status."""
    with transaction.atomic():
        still = ExportJob.objects.select_for_update(no_key=True).filter(pk=job.pk).first()
        if still is None:
            return ExportJob.Status.CANCELLED
        if still.status != ExportJob.Status.RUNNING:
            return still.status
        parts = list(still.parts.all())
        if any(part.status != ExportPart.Status.DONE for part in parts):
            return still.status
        ExportFile.objects.bulk_create(
            ExportFile(
                job=still,
                resource_type=kind,
                name=part_file_name(kind, part.number),
                count=part.counts[kind],
            )
            for kind in TYPES
            for part in parts
            if kind in part.counts
        )
        now = timezone.now()
        still.status = ExportJob.Status.DONE
        still.episodes_done = sum(part.episodes_done for part in parts)
        still.finished_at = now
        still.expires_at = now + dt.timedelta(hours=settings.TESSERA_FHIR_EXPORT_HOURS)
        still.save(update_fields=["status", "episodes_done", "finished_at", "expires_at"])
    return ExportJob.Status.DONE


def _drop(job: ExportJob, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if not ExportJob.objects.filter(pk=job.pk).exists():
        shutil.rmtree(job_dir(job), ignore_errors=True)


def work(job_id, *, batch_size: int | None = None, validate_each: bool = True) -> str:
    """One worker's share of a running job: claim parts and build them until none is
    left to claim; the worker that finishes the last part completes the job. Returns
    the job's status as this worker leaves it ("running" while other workers still
    hold parts)."""
    job = ExportJob.objects.select_related("client").filter(pk=job_id).first()
    if job is None:
        return "missing"
    batch_size = batch_size or settings.TESSERA_FHIR_EXPORT_BATCH
    while (part := _claim(job)) is not None:
        # What an earlier holder of this part left (it died, or lost its claim) goes.
        for left in job_dir(job).glob(f"part-{part.number}.*"):
            shutil.rmtree(left, ignore_errors=True)
        folder = job_dir(job) / f"part-{part.number}.{part.claim}"
        files = Files(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            episodes = _write_part(job, part, files, batch_size, validate_each)
            files.close()
            _part_done(job, part, files, episodes)
        except Lost:
            files.close()
            _drop(job, folder)
            continue
        except Cancelled:
            files.close()
            _drop(job, folder)
            return ExportJob.Status.CANCELLED
        except Exception as exc:  # recorded on the job for the client, then raised for the log
            files.close()
            if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).exists():
                _drop(job, folder)  # cancelled under us (its folder removed): not a failure
                return ExportJob.Status.CANCELLED
            if not ExportPart.objects.filter(pk=part.pk, claim=part.claim).exists():
                _drop(job, folder)  # taken again (and our folder removed): not a failure
                continue
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: the export could not be built"[:500],
            )
            shutil.rmtree(job_dir(job), ignore_errors=True)
            raise
        shutil.rmtree(folder, ignore_errors=True)
    return _finish_if_complete(job)


def run(job_id, *, batch_size: int | None = None, validate_each: bool = True) -> str:
    """Start the job (if queued) and work on it until no part is left to claim; with one
    worker, this builds the whole export. Returns the job's status."""
    job = start(job_id)
    if job is None:
        found = ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return found or "missing"
    return work(job.pk, batch_size=batch_size, validate_each=validate_each)


def progress(job: ExportJob) -> tuple[int, int, int]:
    """(parts done, parts, episodes done) of a running job, from its parts (one query)."""
    found = job.parts.aggregate(
        parts=Count("pk"),
        done=Count("pk", filter=Q(status=ExportPart.Status.DONE)),
        episodes=Sum("episodes_done"),
    )
    return found["done"], found["parts"], found["episodes"] or 0


def stalled_jobs() -> list:
    """Running jobs no live worker is on: one with a part whose worker sent no heartbeat
    for ``TESSERA_FHIR_EXPORT_PART_STALE_SECONDS`` (it died), or, started longer ago
    than that, with no part running at all (its workers' tasks were lost, or the worker
    that built the last part died before completing the job). A worker should be sent
    to each: it takes what is left and completes the job."""
    stale = timezone.now() - dt.timedelta(seconds=settings.TESSERA_FHIR_EXPORT_PART_STALE_SECONDS)
    parts = ExportPart.objects.filter(job=OuterRef("pk"), status=ExportPart.Status.RUNNING)
    dead_part = Exists(parts.filter(heartbeat_at__lt=stale))
    idle = Q(transaction_time__lt=stale) & ~Exists(parts)
    return list(
        ExportJob.objects.filter(dead_part | idle, status=ExportJob.Status.RUNNING)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


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
