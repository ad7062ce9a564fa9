"""Work for the task worker: building Bulk Data exports, and forgetting expired ones
(and used client assertions)."""

from django.conf import settings
from django_tasks import task

from .bulk import build
from .smart.assertion import forget_expired as forget_assertions


@task()
def run_export(job_id: str) -> str:
    """Split the job into parts, ask for more workers (up to TESSERA_FHIR_EXPORT_WORKERS
    in all, no more than there are parts), and work on it here too."""
    job = build.start(job_id)
    if job is None:
        return "not running"
    parts = job.parts.count()
    for _ in range(min(parts, settings.TESSERA_FHIR_EXPORT_WORKERS) - 1):
        work_on_export.enqueue(str(job_id))
    return str(build.work(job_id))


@task()
def work_on_export(job_id: str) -> str:
    """A further worker for a running export: claims parts until none is left."""
    return str(build.work(job_id))


@task()
def resume_stalled_exports() -> int:
    """Periodic: send a worker to each export with a part whose worker died (no heartbeat
    for TESSERA_FHIR_EXPORT_PART_STALE_SECONDS); it rewrites that part whole."""
    stalled = build.stalled_jobs()
    for job_id in stalled:
        work_on_export.enqueue(str(job_id))
    return len(stalled)


@task()
def forget_expired_exports() -> int:
    forget_assertions()
    return build.forget_expired()


@task()
def deliver_letter(delivery_id: int) -> str:
    from .letters_out import deliver

    return str(deliver(delivery_id))


@task()
def retry_letter_deliveries() -> int:
    """Periodic: every delivery whose next attempt is due."""
    from .letters_out import deliver, due_deliveries

    return sum(1 for pk in list(due_deliveries()) if deliver(pk) == "sent")
