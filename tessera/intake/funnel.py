"""The intake funnel of a clinic: how many applications reached each step, and the median
wait between steps, from the time stamps each step leaves on the application (and the
episode's end for "completed").

Counted in the database (issue 16, decision 0147): one query counts every step and its
waits, then one per step reads the one or two middle waits in order (``OFFSET`` of the
count, on SQLite and PostgreSQL alike), so no application is read into Python whatever
the clinic's history. At most five queries."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
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
# The columns read for the steps: the episode's end as the annotation ``ended_on``.
FIELDS = [field for field, _label in STEPS[:-1]] + ["ended_on"]
DATES = {"ended_on"}  # a date on the clinic's calendar, not a moment


@dataclass
class Step:
    label: str
    count: int
    median_days: float | None  # from the step before


def _applications(clinic):
    """The clinic's sent applications, read from the funnel's own index (decision 0065:
    its condition is this filter), with the episode's end read per application by its
    primary key (a subquery), not by a join: a join lets the database hash every episode
    in the country to find these."""
    ended_on = Subquery(
        Episode.objects.filter(pk=OuterRef("episode_id")).order_by().values("ended_on")[:1]
    )
    return (
        Application.objects.filter(clinic=clinic)
        .exclude(status__in=FUNNEL_LEFT_OUT)
        .annotate(ended_on=ended_on)
        .order_by()
    )


def _wait(index: int, zone) -> ExpressionWrapper:
    """The wait from step ``index - 1`` to step ``index``. A time against a date counts
    the time's day on the clinic's calendar, as the date is counted, not UTC's nor the
    reader's: a course started just after midnight there was a day longer (decisions
    0109, 0116)."""
    before, after = FIELDS[index - 1], FIELDS[index]
    if (before in DATES) != (after in DATES):
        before_ = F(before) if before in DATES else TruncDate(before, tzinfo=zone)
        after_ = F(after) if after in DATES else TruncDate(after, tzinfo=zone)
    else:
        before_, after_ = F(before), F(after)
    return ExpressionWrapper(after_ - before_, output_field=DurationField())


def _both(index: int) -> Q:
    return Q(**{f"{FIELDS[index - 1]}__isnull": False, f"{FIELDS[index]}__isnull": False})


def _median(applications, index: int, zone, count: int) -> float | None:
    """The middle wait of ``count`` (one query: the middle one or two, in order), in days,
    as ``statistics.median`` of the waits in days gives it."""
    if not count:
        return None
    middle = (count - 1) // 2
    waits = (
        applications.filter(_both(index))
        .annotate(wait=_wait(index, zone))
        .order_by("wait", "pk")
        .values_list("wait", flat=True)[middle : middle + 2 - count % 2]
    )
    days = [wait.total_seconds() / 86400 for wait in waits]
    return round(days[0] if len(days) == 1 else (days[0] + days[1]) / 2, 1)


def funnel(clinic, time_zone: str | None = None) -> list[Step]:
    """The clinic's steps; ``time_zone``: the clinic's, where already read (the page
    has it with the reader's roles), else read from ``clinic``."""
    zone = zoneinfo.ZoneInfo(time_zone or clinic.time_zone)
    applications = _applications(clinic)
    counted = {
        f"reached{i}": Count("pk", filter=Q(**{f"{f}__isnull": False}))
        for i, f in enumerate(FIELDS)
    }
    counted |= {f"waited{i}": Count("pk", filter=_both(i)) for i in range(1, len(FIELDS))}
    counts = applications.aggregate(**counted)
    steps = []
    for index, (_field, label) in enumerate(STEPS):
        median = _median(applications, index, zone, counts[f"waited{index}"]) if index else None
        steps.append(Step(str(label), counts[f"reached{index}"], median))
    return steps
