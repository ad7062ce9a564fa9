"""The intake funnel of a clinic: how many applications reached each step, and the median
wait between steps, from the time stamps each step leaves on the application (and the
episode's end for "completed"). One query whatever the number of applications: the
time stamps are read as plain values and counted here."""

from __future__ import annotations

import statistics
import zoneinfo
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core.models import Episode

from .models import Application
from .models.applications import FUNNEL_LEFT_OUT

STEPS = [
    ("submitted_at", _("Applied")),
    ("screened_at", _("Screened")),
    ("assessed_at", _("Assessed")),
    ("started_at", _("Started treatment")),
    ("episode__ended_on", _("Completed")),
]


@dataclass
class Step:
    label: str
    count: int
    median_days: float | None  # from the step before


def funnel(clinic, time_zone: str | None = None) -> list[Step]:
    """The clinic's steps; ``time_zone``: the clinic's, where already read (the page
    has it with the reader's roles), else read from ``clinic``."""
    zone = zoneinfo.ZoneInfo(time_zone or clinic.time_zone)
    # The episode's end is read per application by its primary key (a subquery), not by
    # a join: a join lets the database hash every episode in the country to find these.
    ended_on = Subquery(
        Episode.objects.filter(pk=OuterRef("episode_id")).order_by().values("ended_on")[:1]
    )
    fields = [field for field, _label in STEPS[:-1]] + ["ended_on"]
    # The clinic's sent applications, read from the funnel's own index alone (decision
    # 0065): its condition is this filter, and no order is asked for.
    rows = list(
        Application.objects.filter(clinic=clinic)
        .exclude(status__in=FUNNEL_LEFT_OUT)
        .annotate(ended_on=ended_on)
        .order_by()
        .values_list(*fields)
    )
    steps = []
    for index, (_field, label) in enumerate(STEPS):
        reached = [row for row in rows if row[index] is not None]
        waits = []
        if index:
            for row in reached:
                before, after = row[index - 1], row[index]
                if before is None:
                    continue
                if hasattr(after, "hour") != hasattr(before, "hour"):  # a date vs a time
                    # the time's day on the clinic's calendar, as the date is counted,
                    # not UTC's nor the reader's: a course started just after midnight
                    # there was a day longer (decisions 0109, 0116).
                    before = timezone.localdate(before, zone) if hasattr(before, "hour") else before
                    after = timezone.localdate(after, zone) if hasattr(after, "hour") else after
                waits.append((after - before).total_seconds() / 86400)
        median = round(statistics.median(waits), 1) if waits else None
        steps.append(Step(str(label), len(reached), median))
    return steps
