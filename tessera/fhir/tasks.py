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
