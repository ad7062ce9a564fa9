"""The implementation dashboard of one clinic (RE-AIM: reach, adoption, implementation,
maintenance), aggregated in the database: each table is one query whose result is
bounded by the number of weeks, days or quarters, never by the number of patients.

- Reach: applications per week over the last 26 weeks, their mean and coefficient of
  variation (standard deviation / mean: the lower, the steadier the intake); the
  referral mix (self, professional web form, FHIR); what became of them (accepted,
  declined, referred elsewhere, still open).
- Implementation: waits from application to assessment and from assessment to the
  start of treatment (median and 90th percentile, in days, from the day counts); the
  therapist time recorded on the courses that ended (per finished course and per
  patient-week of treatment; workload's TimeEntry).
- Maintenance: started, ended, finished and recovered per quarter since the first
  course.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncQuarter, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.intake.models import Application
from tessera.intake.models.applications import Source, Status
from tessera.workload.models import TimeEntry

from .models import EpisodeOutcome

WEEKS = 26


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]


@dataclass(frozen=True)
class Wait:
    label: str
    n: int
    median: float | None
    p90: float | None


def _applications(clinic):
    return Application.objects.filter(clinic=clinic, submitted_at__isnull=False).exclude(
        status__in=[Status.DRAFT, Status.DUPLICATE]
    )


def applications_per_week(clinic, today: dt.date | None = None) -> tuple[Table, dict]:
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    counts = {
        (week.date() if isinstance(week, dt.datetime) else week): n
        for week, n in _applications(clinic)
        .filter(submitted_at__date__gte=first)
        .annotate(week=TruncWeek("submitted_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    }
    weeks = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    values = [counts.get(week, 0) for week in weeks]
    rows = [[week.isoformat(), n] for week, n in zip(weeks, values, strict=True)]
    table = Table(
        "applications",
        str(_("Applications per week")),
        [str(_("Week")), str(_("Applications"))],
        rows,
    )
    return table, stability(values)


def stability(values: list[int]) -> dict:
    """Mean, standard deviation (of the weeks as a population) and coefficient of
    variation of weekly counts; the CV is None when there were none."""
    if not values:
        return {"mean": None, "sd": None, "cv": None}
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return {"mean": mean, "sd": sd, "cv": (sd / mean) if mean else None}


def referral_mix(clinic) -> Table:
    counts = dict(_applications(clinic).values_list("source").annotate(n=Count("pk")))
    rows = [[str(label), counts.get(value, 0)] for value, label in Source.choices]
    return Table(
        "referrals",
        str(_("Where applications came from")),
        [str(_("Route")), str(_("Applications"))],
        rows,
    )


def decisions(clinic) -> Table:
    counts = dict(_applications(clinic).values_list("status").annotate(n=Count("pk")))
    total = sum(counts.values())
    rows = []
    for value, label in Status.choices:
        if value in (Status.DRAFT, Status.DUPLICATE):
            continue
        n = counts.get(value, 0)
        rows.append([str(label), n, round(100 * n / total, 1) if total else None])
    return Table(
        "decisions",
        str(_("What became of the applications")),
        [str(_("Status")), str(_("Applications")), str(_("Share (%)"))],
        rows,
    )


def _percentile(histogram: list[tuple[int, int]], share: float) -> float | None:
    """The value below which ``share`` of the observations fall (nearest rank), from
    (value, count) pairs."""
    total = sum(n for _v, n in histogram)
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value, n in sorted(histogram):
        seen += n
        if seen >= rank:
            return value
    return None


def _wait(label, pairs) -> Wait:
    days: dict[int, int] = {}
    for start, end, n in pairs:
        if start is None or end is None:
            continue
        gap = max(0, (end - start).days)
        days[gap] = days.get(gap, 0) + n
    histogram = list(days.items())
    median = _percentile(histogram, 0.5)
    return Wait(label, sum(days.values()), median, _percentile(histogram, 0.9))


def waits(clinic) -> list[Wait]:
    """Days from application to assessment and from assessment to start: the pairs of
    dates are counted in the database (bounded by days, not by patients)."""
    apps = _applications(clinic)

    def pairs(first: str, then: str):
        return (
            apps.filter(**{f"{first}__isnull": False, f"{then}__isnull": False})
            .annotate(a=TruncDate(first), b=TruncDate(then))
            .values_list("a", "b")
            .annotate(n=Count("pk"))
            .values_list("a", "b", "n")
        )

    return [
        _wait(_("Application to assessment"), pairs("submitted_at", "assessed_at")),
        _wait(_("Assessment to start of treatment"), pairs("assessed_at", "started_at")),
    ]


def therapist_time(clinic) -> dict:
    """Minutes recorded on the courses that ended, per finished course and per
    patient-week of treatment (two queries)."""
    ended = EpisodeOutcome.objects.filter(clinic=clinic, ended_on__isnull=False)
    counts = ended.aggregate(
        finished=Count("pk", filter=Q(finished=True)),
        weeks=Sum("weeks_in_treatment"),
        episodes=Count("pk"),
    )
    seconds = (
        TimeEntry.objects.filter(episode__in=ended.values("episode_id")).aggregate(
            s=Sum("seconds")
        )["s"]
        or 0
    )
    minutes = seconds / 60
    return {
        "minutes": round(minutes),
        "episodes": counts["episodes"],
        "finished": counts["finished"],
        "weeks": counts["weeks"] or 0,
        "per_finished": round(minutes / counts["finished"]) if counts["finished"] else None,
        "per_patient_week": round(minutes / counts["weeks"], 1) if counts["weeks"] else None,
    }


def by_quarter(clinic) -> Table:
    """Courses per quarter of their end (started: per quarter of their start)."""
    rows = EpisodeOutcome.objects.filter(clinic=clinic)
    ended = {
        _day(q): (n, f, r)
        for q, n, f, r in rows.filter(ended_on__isnull=False)
        .annotate(q=TruncQuarter("ended_on"))
        .values_list("q")
        .annotate(
            n=Count("pk"),
            f=Count("pk", filter=Q(finished=True)),
            r=Count("pk", filter=Q(recovered=True)),
        )
        .values_list("q", "n", "f", "r")
    }
    started = dict(
        (_day(q), n)
        for q, n in rows.filter(started_on__isnull=False)
        .annotate(q=TruncQuarter("started_on"))
        .values_list("q")
        .annotate(n=Count("pk"))
        .values_list("q", "n")
    )
    quarters = sorted(set(ended) | set(started))
    table_rows = [
        [f"{q.year} Q{(q.month - 1) // 3 + 1}", started.get(q, 0), *ended.get(q, (0, 0, 0))]
        for q in quarters
    ]
    return Table(
        "quarters",
        str(_("Courses by quarter")),
        [
            str(_("Quarter")),
            str(_("Started")),
            str(_("Ended")),
            str(_("Finished")),
            str(_("Recovered")),
        ],
        table_rows,
    )


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


COST_DAYS = 365


def costs(clinic, settings, today: dt.date | None = None) -> dict | None:
    """Cost per started, finished and recovered patient over the last year: therapist
    time recorded on the episodes that ended in it at the hourly cost, plus twelve
    months of fixed costs (three queries). None until the clinic has entered its costs."""
    if settings is None:
        return None
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=COST_DAYS)
    rows = EpisodeOutcome.objects.filter(clinic=clinic)
    counts = rows.aggregate(
        started=Count("pk", filter=Q(started_on__gt=since, started_on__lte=today)),
        finished=Count("pk", filter=Q(ended_on__gt=since, finished=True)),
        recovered=Count("pk", filter=Q(ended_on__gt=since, recovered=True)),
    )
    ended = rows.filter(ended_on__gt=since).values("episode_id")
    seconds = TimeEntry.objects.filter(episode__in=ended).aggregate(s=Sum("seconds"))["s"] or 0
    total = float(settings.per_therapist_hour) * seconds / 3600 + 12 * float(
        settings.fixed_per_month
    )

    def per(n):
        return round(total / n) if n else None

    return {
        "total": round(total),
        "per_started": per(counts["started"]),
        "per_finished": per(counts["finished"]),
        "per_recovered": per(counts["recovered"]),
        **counts,
    }
