"""The sweep as a task for the Django Tasks worker."""

from django_tasks import task

from .sweep import run_automation


@task()
def automation_sweep() -> str:
    return str(run_automation())
