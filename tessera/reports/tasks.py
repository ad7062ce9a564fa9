"""Periodic report work for the task worker (django-tasks; docs/operations.md)."""

from django_tasks import task

from tessera.core.clinic_dates import clinic_today
from tessera.core.models import Clinic

from .actions import do_build_quarterly_report, run_job
from .actions.quarterly import last_complete_quarter


@task()
def build_quarterly_reports() -> int:
    """Build (or build again) every clinic's report of the last complete quarter. Safe
    to run more than once: a quarter's report is replaced, not duplicated."""
    clinics = list(Clinic.objects.order_by("pk"))
    for clinic in clinics:
        do_build_quarterly_report(clinic, last_complete_quarter(clinic_today(clinic)))
    return len(clinics)


@task()
def run_register_export(job_id: str) -> str:
    """A clinic's register export queued from its register page (``RegisterExportJob``)."""
    return str(run_job(job_id))
