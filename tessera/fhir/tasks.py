"""Work for the task worker: building Bulk Data exports, and forgetting expired ones
(and used client assertions)."""

from django_tasks import task

from .bulk import build
from .smart.assertion import forget_expired as forget_assertions


@task()
def run_export(job_id: str) -> str:
    return str(build.run(job_id))


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
