"""Periodic jobs record each run, and anyone can ask whether a job is late.

Risk-alert escalation runs inside the automation sweep (``tessera.automation.sweep``):
if the sweep stops, an unacknowledged alert is never passed on. So the sweep records
every run (``recording``), and ``status`` says whether the last good run is older than
the sweep's interval (the setting ``TESSERA_SWEEP_MAX_AGE_MINUTES``, default 10: the
sweep is meant to run every five minutes). /healthz reports it to the monitoring, and
the risk alert list shows staff a warning while it is late or failing (issue 12).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import JobRun

SWEEP = "automation_sweep"
logger = logging.getLogger("tessera.jobs")

OK = "ok"
LATE = "late"
FAILING = "failing"
NEVER = "never"


def max_age(job: str = SWEEP) -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "TESSERA_SWEEP_MAX_AGE_MINUTES", 10))


@contextlib.contextmanager
def recording(job: str, now: dt.datetime | None = None):
    """Record one run of ``job``: the row is written when it starts, completed when it
    ends (failed if it raised; the error is raised on). Yields the row; set
    ``row.summary`` to keep counts with it (kept for a failed run too)."""
    row = JobRun.objects.create(job=job, started_at=now or timezone.now())
    try:
        yield row
    except BaseException:
        row.ok, row.finished_at = False, timezone.now()
        row.save(update_fields=["ok", "finished_at", "summary"])  # what was done before
        logger.error("job.failed job=%s run=%s", job, row.pk)
        raise
    row.ok, row.finished_at = True, timezone.now()
    row.save(update_fields=["ok", "finished_at", "summary"])


@dataclass(frozen=True)
class Status:
    state: str
    last_ok_at: dt.datetime | None
    max_age: dt.timedelta

    @property
    def healthy(self) -> bool:
        return self.state == OK


def status(job: str = SWEEP, now: dt.datetime | None = None) -> Status:
    """OK, LATE (the last good run started longer ago than the interval), FAILING (the
    latest finished run failed) or NEVER. One query (two after a failure)."""
    now = now or timezone.now()
    limit = max_age(job)
    runs = JobRun.objects.filter(job=job)
    latest = runs.filter(ok__isnull=False).order_by("-started_at").first()
    if latest is None:
        return Status(NEVER, None, limit)
    if latest.ok:
        last_ok_at = latest.started_at
    else:
        last_ok = runs.filter(ok=True).order_by("-started_at").first()
        last_ok_at = last_ok.started_at if last_ok else None
    if latest.ok is False:
        return Status(FAILING, last_ok_at, limit)
    if last_ok_at is None or now - last_ok_at > limit:
        return Status(LATE, last_ok_at, limit)
    return Status(OK, last_ok_at, limit)
