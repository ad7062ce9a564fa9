"""A clinic's or a region's register export in the background: queued from the clinic's
(or the region's) register page (audited), run by the task worker
(``tasks.run_register_export`` → ``run_job``), which saves its progress between batches
of courses and writes the export as the page's own export does
(``register.export.write``: validated, incremental, audited, and checked again under a
lock on the register, so a course that another export sent meanwhile is not sent
twice)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import audit
from tessera.core.models import Clinic, Region

from ..models import RegisterExportJob
from ..register import export as register_export
from .registers import register_for

log = logging.getLogger(__name__)


def do_queue_register_export(
    clinic, profile: str, version: int, *, acting_user, start=None, end=None
) -> RegisterExportJob:
    """Queue an export of the clinic's courses to the register; refused while another
    export of the clinic to that register is queued or running. The clinic's row is
    locked while checking, as the region's is below, so two clicks at once queue one
    export (decision 0135)."""
    from .. import tasks  # the task module imports the actions

    if (profile, version) not in register_export.profiles():
        raise ValidationError(_("There is no such register profile."))
    with transaction.atomic():
        Clinic.objects.select_for_update(no_key=True).filter(pk=clinic.pk).first()
        busy = RegisterExportJob.objects.filter(
            clinic=clinic,
            profile=profile,
            version=version,
            status__in=[RegisterExportJob.Status.QUEUED, RegisterExportJob.Status.RUNNING],
        )
        if busy.exists():
            raise ValidationError(
                _("An export of this clinic to this register is already running.")
            )
        job = RegisterExportJob.objects.create(
            clinic=clinic,
            profile=profile,
            version=version,
            period_start=start,
            period_end=end,
            clinics=_snapshot({clinic.pk: clinic.outcome_rule}),
            requested_by=acting_user,
            courses_total=register_export.count(clinic_ids={clinic.pk}, start=start, end=end),
        )
        audit.record(
            "report.register_export_queued",
            actor=acting_user,
            clinic=clinic,
            obj=job,
            changes={
                "register": f"{profile}-{version}",
                "courses": job.courses_total,
                "start": str(start or ""),
                "end": str(end or ""),
            },
        )
        transaction.on_commit(lambda: tasks.run_register_export.enqueue(str(job.pk)))
    return job


def do_queue_region_register_export(
    region, profile: str, version: int, *, acting_user, start=None, end=None
) -> RegisterExportJob:
    """Queue an export of every course of the region's clinics to the register (for its
    region administrators); refused while another export of the region to that
    register is queued or running. The region's row is locked while checking, so two
    clicks at once queue one export."""
    from .. import tasks

    if (profile, version) not in register_export.profiles():
        raise ValidationError(_("There is no such register profile."))
    with transaction.atomic():
        Region.objects.select_for_update(no_key=True).filter(pk=region.pk).first()
        busy = RegisterExportJob.objects.filter(
            region=region,
            profile=profile,
            version=version,
            status__in=[RegisterExportJob.Status.QUEUED, RegisterExportJob.Status.RUNNING],
        )
        if busy.exists():
            raise ValidationError(
                _("An export of this region to this register is already running.")
            )
        # The region's clinics and their rules now, when the administrator asks: the job
        # exports these, whatever is added to the region before it runs (decision 0031).
        rules = dict(Clinic.objects.filter(region=region).values_list("pk", "outcome_rule"))
        clinic_ids = set(rules)
        job = RegisterExportJob.objects.create(
            region=region,
            profile=profile,
            version=version,
            period_start=start,
            period_end=end,
            clinics=_snapshot(rules),
            requested_by=acting_user,
            courses_total=register_export.count(clinic_ids=clinic_ids, start=start, end=end),
        )
        audit.record(
            "report.register_export_queued",
            actor=acting_user,
            obj=job,
            changes={
                "register": f"{profile}-{version}",
                "region": region.pk,
                "clinics": len(clinic_ids),
                "clinic_ids": sorted(clinic_ids),
                "courses": job.courses_total,
                "start": str(start or ""),
                "end": str(end or ""),
            },
        )
        transaction.on_commit(lambda: tasks.run_register_export.enqueue(str(job.pk)))
    return job


def _snapshot(rules: dict[int, str]) -> dict[str, str]:
    return {str(pk): rule for pk, rule in sorted(rules.items())}


def clinics_of(job: RegisterExportJob) -> set[int]:
    """The clinics the job exports: those recorded when it was queued, refused (a
    ValidationError, nothing written) where one has since left the job's region, is
    gone, or reads its courses by another outcome rule (the courses' labels would no
    longer be those the export was asked for). Decision 0031: a register expects a
    submission to be what its sender asked for when asking, and a region's
    administrator sends no clinic that is no longer the region's."""
    if job.clinics is None:  # queued before the clinics were recorded
        if job.region_id is not None:
            return set(Clinic.objects.filter(region_id=job.region_id).values_list("pk", flat=True))
        return {job.clinic_id}
    recorded = {int(pk): rule for pk, rule in job.clinics.items()}
    now = {
        pk: (region_id, rule, name)
        for pk, region_id, rule, name in Clinic.objects.filter(pk__in=recorded).values_list(
            "pk", "region_id", "outcome_rule", "name"
        )
    }
    problems = []
    for pk, rule in sorted(recorded.items()):
        if pk not in now:
            problems.append(
                _("A clinic of this export (number %(pk)s) no longer exists.") % {"pk": pk}
            )
            continue
        region_id, rule_now, name = now[pk]
        if job.region_id is not None and region_id != job.region_id:
            problems.append(
                _("%(clinic)s has left the region since the export was queued.") % {"clinic": name}
            )
        elif rule_now != rule:
            problems.append(
                _("%(clinic)s has changed its outcome rule since the export was queued.")
                % {"clinic": name}
            )
    if problems:
        problems.append(_("Nothing was written. Queue the export again."))
        raise ValidationError(" ".join(problems))
    return set(recorded)


def run_job(job_id: str) -> str:
    """Run a queued export; its status afterwards. A job that is run again after it
    finished is left alone; one that failed mid-way wrote nothing (the write is one
    transaction) and may be queued anew."""
    job = RegisterExportJob.objects.filter(pk=job_id).select_related("clinic", "region").first()
    finished = (RegisterExportJob.Status.DONE, RegisterExportJob.Status.FAILED)
    if job is None or job.status in finished:
        return job.status if job else "missing"
    jobs = RegisterExportJob.objects.filter(pk=job.pk)
    jobs.update(status=RegisterExportJob.Status.RUNNING, courses_done=0)

    def progress(read: int) -> None:
        jobs.update(courses_done=read)  # committed at once: the page sees it

    try:
        register = register_for(job.profile, job.version)
        if register.pk is None:
            register.save()
        clinic_ids = clinics_of(job)  # as they were when it was queued
        found = register_export.pending(
            register,
            clinic_ids=clinic_ids,
            start=job.period_start,
            end=job.period_end,
            progress=progress,
        )
        made = register_export.write(
            register,
            found,
            acting_user=job.requested_by,
            start=job.period_start,
            end=job.period_end,
            clinic=job.clinic,
            region=job.region,
        )
    except ValidationError as error:
        jobs.update(
            status=RegisterExportJob.Status.FAILED,
            error="; ".join(error.messages)[:500],
            finished_at=timezone.now(),
        )
        return RegisterExportJob.Status.FAILED
    except Exception:
        log.exception("report.register_export_failed job=%s", job.pk)
        jobs.update(
            status=RegisterExportJob.Status.FAILED,
            error="The export stopped with an error; nothing was written.",
            finished_at=timezone.now(),
        )
        raise
    jobs.update(
        status=RegisterExportJob.Status.DONE,
        courses_done=job.courses_total,
        export=made,
        finished_at=timezone.now(),
    )
    return RegisterExportJob.Status.DONE
