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
  patient-week of treatment; workload's TimeEntry, kept on the outcome row).
- Reach, more: the uptake area (postcode area of the patients' addresses,
  ``areas.py``) and why applications were declined or referred elsewhere.
- Adoption by GPs: per quarter, professional referrals, the practices that sent them,
  repeat referrers (practices that had referred in an earlier quarter) and their share
  of all applications.
- Implementation, more: reply times against the clinic's target and the online share of
  therapists' time against the clinic's limit, per week (workload's figures, five
  queries); module adherence and dropout per programme.
- Maintenance: applications, professional referrals, started, ended, finished and
  recovered per quarter since the first course.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Max, Q, Sum, Value
from django.db.models.functions import Lower, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access, clinic_dates
from tessera.core.models import Clinic
from tessera.core.prepared import Prepared
from tessera.intake.models import Application
from tessera.intake.models.applications import Source, Status
from tessera.workload.figures import clinic_workload, clinics_workload

from .models import DashboardCount

WEEKS = 26


@dataclass(frozen=True)
class Clinics:
    """Several clinics read together (a region's dashboard): every table function of
    this module takes one of these where it takes a clinic, and then counts the
    clinics' courses and applications together (decision 0039). Their outcome rules
    may differ, so the national labels are read (as the region's outcome report does)."""

    ids: tuple[int, ...]
    outcome_rule: str = "national"


def _at(place, field: str = "clinic") -> dict:
    """The filter of ``place``'s rows: one clinic, or ``Clinics``."""
    if isinstance(place, Clinics):
        return {f"{field}__in": place.ids}
    return {field: place}


# The sums' reads compiled once per grouping and filters (``core.prepared``, decision
# 0044): the dashboard makes six of them a request, each about a millisecond of Django's
# CPU to build and compile for a few dozen rows (issue 16).
_SUMMED: dict[tuple, Prepared] = {}


def _summed(place, figure, group: tuple[str, ...], **filters) -> list[tuple]:
    """(group..., n) of the kept counts, summed over the clinics, groups with none left
    out."""
    ids = place.ids if isinstance(place, Clinics) else (place.pk,)
    names = (figure,) if isinstance(figure, str) else figure
    keys = tuple(sorted(filters))
    read = _SUMMED.get((group, keys))
    if read is None:

        def build(ids, names, *values):
            return (
                DashboardCount.objects.filter(
                    clinic_id__in=ids, figure__in=names, **dict(zip(keys, values, strict=True))
                )
                .values_list(*group)
                .annotate(total=Sum("n"))
                .filter(total__gt=0)
                .order_by()
                .values_list(*group, "total")
            )

        read = _SUMMED[group, keys] = Prepared(build)
    return read(list(ids), list(names), *(filters[key] for key in keys))


def _ids(place) -> list[int]:
    """The clinics whose kept counts (``counts.py``, decision 0043) are read: bounded by
    clinics times days, quarters or keys, never by patients."""
    return list(place.ids) if isinstance(place, Clinics) else [place.pk]


def _one_row(counts, **sums):
    """``counts.aggregate(**sums)`` as a read of one row (the same SQL: one group of
    every row, no GROUP BY), for ``Prepared`` to compile once."""
    return (
        counts.annotate(one=Value(1)).values("one").annotate(**sums).order_by().values_list(*sums)
    )


# The dashboard's other reads of the kept counts are compiled once too (issue 16:
# building and compiling them was a fifth of the region's dashboard's CPU, the same
# SQL on every request but for the clinics and dates).
_QUARTERLY: dict[tuple, Prepared] = {}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    # The columns that count people (suppressed beyond the clinic); None: every column
    # after the first. Days, hours, means and shares are never counts.
    count_columns: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Wait:
    label: str
    n: int
    median: float | None
    p90: float | None


# Counts of applications and of courses that started are COUNT(*), not COUNT(pk) (the
# same number: the key is never null): the database then answers them from the indexes
# (clinic, status, urgent, submitted_at) and (started_on, clinic) alone, without reading
# every page the clinic's rows lie on (decision 0035).


def _applications(clinic):
    return Application.objects.filter(**_at(clinic), submitted_at__isnull=False).exclude(
        status__in=[Status.DRAFT, Status.DUPLICATE]
    )


def applications_per_week(clinic, today: dt.date | None = None) -> tuple[Table, dict]:
    if today is None:  # the clinics' own date, not the server's (decision 0049)
        at = Clinic.objects.filter(pk__in=clinic.ids) if isinstance(clinic, Clinics) else [clinic]
        today = clinic_dates.today_at(at)
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    counts: dict[dt.date, int] = {}
    for day, n in _summed(clinic, "applied", ("day",), day__gte=first):
        week = day - dt.timedelta(days=day.weekday())
        counts[week] = counts.get(week, 0) + n
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


def route_counts(place) -> list[tuple[str, int]]:
    """The kept "source:status" counts of ``place``'s applications: read once for the
    dashboard's two tables that split them (by route, by what became of them)."""
    return _summed(place, "route", ("key",))


def _routes(place, part: int, counts: list | None = None) -> dict[str, int]:
    """Applications by route (``part`` 0) or status (1), from the kept "source:status"
    (``counts``: ``route_counts(place)`` when already read)."""
    found: dict[str, int] = {}
    for key, n in route_counts(place) if counts is None else counts:
        value = key.split(":", 1)[part]
        found[value] = found.get(value, 0) + n
    return found


def referral_mix(clinic, routes: list | None = None) -> Table:
    counts = _routes(clinic, 0, routes)
    rows = [[str(label), counts.get(value, 0)] for value, label in Source.choices]
    return Table(
        "referrals",
        str(_("Where applications came from")),
        [str(_("Route")), str(_("Applications"))],
        rows,
    )


def decisions(clinic, routes: list | None = None) -> Table:
    counts = _routes(clinic, 1, routes)
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
        count_columns=(1,),
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


def _gaps(label, histogram: list[tuple[int, int]]) -> Wait:
    return Wait(
        label,
        sum(n for _d, n in histogram),
        _percentile(histogram, 0.5),
        _percentile(histogram, 0.9),
    )


def waits(clinic) -> list[Wait]:
    """Days from application to assessment and from assessment to start (dates on the
    clinic's calendar, decision 0116), exact median and 90th percentile from the kept number of
    applications per whole day of waiting (bounded by days, not by patients)."""
    found: dict[str, dict[int, int]] = {"wait_assessment": {}, "wait_start": {}}
    for figure, key, n in _summed(clinic, tuple(found), ("figure", "key")):
        found[figure][int(key)] = found[figure].get(int(key), 0) + n
    return [
        _gaps(_("Application to assessment"), list(found["wait_assessment"].items())),
        _gaps(_("Assessment to start of treatment"), list(found["wait_start"].items())),
    ]


_THERAPIST_TIME = Prepared(
    lambda ids: _one_row(
        DashboardCount.objects.filter(clinic_id__in=ids, figure__in=["ended"]),
        finished=Sum("finished"),
        weeks=Sum("weeks"),
        episodes=Sum("n"),
        seconds=Sum("seconds"),
    )
)


def therapist_time(clinic) -> dict:
    """Minutes recorded on the courses that ended, per finished course and per
    patient-week of treatment (one query: the minutes are kept on the outcome row,
    decision 0039)."""
    (row,) = _THERAPIST_TIME(_ids(clinic))
    counts = dict(zip(("finished", "weeks", "episodes", "seconds"), row, strict=True))
    counts["finished"] = counts["finished"] or 0
    counts["episodes"] = counts["episodes"] or 0
    minutes = (counts["seconds"] or 0) / 60
    return {
        "minutes": round(minutes),
        "episodes": counts["episodes"],
        "finished": counts["finished"],
        "weeks": counts["weeks"] or 0,
        "per_finished": round(minutes / counts["finished"]) if counts["finished"] else None,
        "per_patient_week": round(minutes / counts["weeks"], 1) if counts["weeks"] else None,
    }


def _swedish(clinic) -> bool:
    """Whether the clinic chose the Swedish 40 %/30 % rule (``Clinic.outcome_rule``;
    decision 0025): its figures then show that rule's label beside the national ones."""
    return getattr(clinic, "outcome_rule", "national") == "swedish"


def by_quarter(clinic) -> Table:
    """Courses per quarter of their end (started: per quarter of their start). For a
    clinic on the Swedish rule, two columns more beside the national "recovered": the
    finished courses that rule read, and those substantially improved by it (the
    outcome table's labels, as the clinic's outcome report counts them)."""
    swedish = _swedish(clinic)
    labels = {"n": "n", "f": "finished", "r": "recovered"}
    if swedish:  # (substantially_improved is set only on finished courses)
        labels["sf"] = "swedish_finished"
        labels["si"] = "improved"
    ended = {_day(values[0]): tuple(values[1:]) for values in _by_quarter(clinic, "ended", labels)}
    started = {_day(q): n for q, n in _by_quarter(clinic, "started", {"n": "n"})}
    applied = {
        _day(q): (n, p)
        for q, n, p in _by_quarter(clinic, "applied", {"n": "n", "p": "professional"})
    }
    quarters = sorted(set(ended) | set(started) | set(applied))
    table_rows = [
        [
            quarter_name(q),
            *applied.get(q, (0, 0)),
            started.get(q, 0),
            *ended.get(q, (0,) * len(labels)),
        ]
        for q in quarters
    ]
    header = [
        str(_("Quarter")),
        str(_("Applications")),
        str(_("From professionals")),
        str(_("Started")),
        str(_("Ended")),
        str(_("Finished")),
        str(_("Recovered (national rules)") if swedish else _("Recovered")),
    ]
    if swedish:
        header += [
            str(_("Finished, read by the Swedish rule")),
            str(_("Substantially improved (Swedish rule)")),
        ]
    return Table("quarters", str(_("Courses by quarter")), header, table_rows)


def _by_quarter(place, figure: str, labels: dict[str, str]) -> list[tuple]:
    """(quarter, label...) of ``place``'s kept counts of ``figure`` per day, each label
    the sum of its column, quarters with none left out (compiled once per labels)."""
    key = (figure, tuple(labels.items()))
    read = _QUARTERLY.get(key)
    if read is None:

        def build(ids):
            return (
                DashboardCount.objects.filter(clinic_id__in=ids, figure__in=[figure])
                .annotate(q=TruncQuarter("day"))
                .values_list("q")
                .annotate(**{label: Sum(column) for label, column in labels.items()})
                .filter(**{f"{next(iter(labels))}__gt": 0})
                .order_by()
                .values_list("q", *labels)
            )

        read = _QUARTERLY[key] = Prepared(build)
    return read(_ids(place))


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def quarter_name(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


AREAS_SHOWN = 15


def uptake_areas(clinic) -> Table:
    """Courses by the postcode area of the patient's address, the largest first; areas
    beyond the first ``AREAS_SHOWN`` are added up as "other areas" (one query)."""
    counts = sorted(_summed(clinic, "area", ("key",)), key=lambda pair: (-pair[1], pair[0]))
    known = [(area, n) for area, n in counts if area]
    unknown = sum(n for area, n in counts if not area)
    total = sum(n for _area, n in counts)
    rows = [[area, n, _share(n, total)] for area, n in known[:AREAS_SHOWN]]
    rest = sum(n for _area, n in known[AREAS_SHOWN:])
    if rest:
        rows.append([str(_("Other areas")), rest, _share(rest, total)])
    if unknown:
        rows.append([str(_("Not known")), unknown, _share(unknown, total)])
    return Table(
        "areas",
        str(_("Where patients live (postcode area)")),
        [str(_("Postcode area")), str(_("Courses")), str(_("Share (%)"))],
        rows,
        count_columns=(1,),
    )


def _share(n: int, total: int) -> float | None:
    return round(100 * n / total, 1) if total else None


REASONS_SHOWN = 10


_REASONS = Prepared(
    lambda ids: (
        DashboardCount.objects.filter(
            clinic_id__in=ids, figure__in=["reason_declined", "reason_redirected"], n__gt=0
        )
        .annotate(reason=Lower("key"))
        .values_list("figure", "reason")
        .annotate(total=Sum("n"), text=Max("key"))
        .order_by("-total", "figure", "reason")
        .values_list("figure", "text", "total")[:REASONS_SHOWN]
    )
)


def decline_reasons(clinic) -> Table:
    """Applications declined or referred elsewhere, by the reason written (the same
    words counted together, case and spaces aside), the commonest first (one query,
    bounded by the number of distinct reasons)."""
    labels = dict(Status.choices)
    rows = [
        [str(labels[figure.removeprefix("reason_")]), text[:120] or str(_("No reason written")), n]
        for figure, text, n in _REASONS(_ids(clinic))
    ]
    return Table(
        "reasons",
        str(_("Why applications were declined or referred elsewhere")),
        [str(_("Decision")), str(_("Reason")), str(_("Applications"))],
        rows,
        count_columns=(2,),
    )


def _practice(name: str) -> str:
    return " ".join(name.lower().split())


def gp_adoption(clinic) -> Table:
    """Per quarter: professional referrals, the practices that sent them, how many of
    those had referred before, and the professionals' share of all applications (two
    queries, bounded by practices times quarters)."""
    # The referrals kept per clinic, quarter (the day) and practice (counts.py).
    pairs = _summed(clinic, "gp", ("day", "key"))
    totals = {_day(q): n for q, n in _by_quarter(clinic, "applied", {"n": "n"})}
    by_quarter: dict[dt.date, dict[str, int]] = {}
    for q, organisation, n in pairs:
        practices = by_quarter.setdefault(_day(q), {})
        key = _practice(organisation)
        practices[key] = practices.get(key, 0) + n
    seen: set[str] = set()
    rows = []
    for q in sorted(by_quarter):
        practices = by_quarter[q]
        referrals = sum(practices.values())
        repeat = len(set(practices) & seen)
        seen |= set(practices)
        share = _share(referrals, totals.get(q, 0))
        rows.append([quarter_name(q), referrals, len(practices), repeat, share])
    return Table(
        "gp_adoption",
        str(_("Adoption by GPs: referrals from professionals per quarter")),
        [
            str(_("Quarter")),
            str(_("Referrals")),
            str(_("Referring practices")),
            str(_("Of which repeat referrers")),
            str(_("Share of all applications (%)")),
        ],
        rows,
        count_columns=(1, 2, 3),
    )


REPLY_WEEKS = 13


def _replies_by_week(therapists) -> dict[dt.date, dict]:
    """Per Monday, all the clinic's therapists (workload's figures) together: reply
    seconds, replies within the target, replies due, recorded and available seconds."""
    weeks: dict[dt.date, dict] = {}
    for therapist in therapists:
        for week in therapist.weeks:
            row = weeks.setdefault(
                week.monday, {"seconds": [], "within": 0, "decided": 0, "all": 0, "available": 0}
            )
            for replies in (week.messages, week.worksheets):
                row["seconds"] += replies.answered_seconds
                row["within"] += replies.within_target
                row["decided"] += replies.decided
            row["all"] += week.all_seconds
            row["available"] += week.available_minutes * 60
    return weeks


def _replies_row(label: str, row: dict, limit) -> list:
    import statistics

    median = round(statistics.median(row["seconds"]) / 3600, 1) if row["seconds"] else None
    share = round(100 * row["all"] / row["available"], 1) if row["available"] else None
    return [label, row["decided"], _share(row["within"], row["decided"]), median, share, limit]


def _replies_header(first: str) -> list[str]:
    return [
        first,
        str(_("Messages and worksheets due a reply")),
        str(_("Answered within the target (%)")),
        str(_("Median working hours to a reply")),
        str(_("Online share of working time (%)")),
        str(_("The clinic's limit (%)")),
    ]


def replies_and_online(clinic, now: dt.datetime | None = None) -> Table:
    """Per week, oldest first, for all the clinic's therapists together: the patients'
    messages and worksheets answered within the clinic's target, the median working
    hours to a reply, and the minutes recorded as a share of the therapists' working
    time against the clinic's limit (workload's figures: five queries)."""
    weeks = _replies_by_week(clinic_workload(clinic, weeks=REPLY_WEEKS, now=now, caseloads=False))
    rows = [
        _replies_row(monday.isoformat(), weeks[monday], clinic.icbt_share_limit)
        for monday in sorted(weeks)
    ]
    return Table(
        "replies",
        str(_("Reply times and online share of therapists' time per week")),
        _replies_header(str(_("Week"))),
        rows,
        count_columns=(1,),
    )


def replies_by_clinic(clinics, now: dt.datetime | None = None) -> Table:
    """The same figures over the last 13 weeks, one row per clinic (a region's
    dashboard: workload's five queries for all the clinics, whatever their number or
    the number of patients)."""
    rows = []
    workloads = clinics_workload(clinics, weeks=REPLY_WEEKS, now=now, caseloads=False)
    for clinic in clinics:
        total = {"seconds": [], "within": 0, "decided": 0, "all": 0, "available": 0}
        for week in _replies_by_week(workloads[clinic.pk]).values():
            for key, value in week.items():
                total[key] += value
        rows.append(_replies_row(clinic.name, total, clinic.icbt_share_limit))
    return Table(
        "replies",
        str(_("Reply times and online share of therapists' time, last 13 weeks, per clinic")),
        _replies_header(str(_("Clinic"))),
        rows,
        count_columns=(1,),
    )


_ADHERENCE = Prepared(
    lambda ids: (
        DashboardCount.objects.filter(clinic_id__in=ids, figure__in=["programme"])
        .values_list("key")
        .annotate(
            total=Sum("n"),
            modules=Sum("modules"),
            finished=Sum("finished"),
            dropped=Sum("dropped"),
            weeks=Sum("dropped_weeks"),
            weeks_n=Sum("dropped_weeks_n"),
        )
        .filter(total__gt=0)
        .order_by("key")
        .values_list("key", "total", "modules", "finished", "dropped", "weeks", "weeks_n")
    )
)


def adherence(clinic) -> Table:
    """Per programme, for the courses that ended: modules completed (mean), finished
    and dropped out (shares), and the mean weeks in treatment before dropping out (one
    query, bounded by the number of programmes)."""
    grouped = [
        (key, n, modules / n, finished, dropped, weeks / weeks_n if weeks_n else None)
        for key, n, modules, finished, dropped, weeks, weeks_n in _ADHERENCE(_ids(clinic))
    ]
    rows = [
        [
            key or str(_("No programme")),
            n,
            round(modules or 0, 1),
            _share(finished, n),
            _share(dropped, n),
            None if dropped_weeks is None else round(dropped_weeks, 1),
        ]
        for key, n, modules, finished, dropped, dropped_weeks in grouped
    ]
    return Table(
        "adherence",
        str(_("Module adherence and dropout by programme (courses that ended)")),
        [
            str(_("Programme")),
            str(_("Courses")),
            str(_("Modules completed (mean)")),
            str(_("Finished (%)")),
            str(_("Dropped out (%)")),
            str(_("Weeks before dropping out (mean)")),
        ],
        rows,
        count_columns=(1,),
    )


def waits_table(clinic) -> Table:
    return Table(
        "waits",
        str(_("Waiting times in days")),
        [str(_("Between")), str(_("People")), str(_("Median")), str(_("90th percentile"))],
        [[str(w.label), w.n, w.median, w.p90] for w in waits(clinic)],
        count_columns=(1,),
    )


COST_DAYS = 365


_COSTS = Prepared(
    lambda ids, since, today: _one_row(
        DashboardCount.objects.filter(
            clinic_id__in=ids, figure__in=["ended", "started"], day__gt=since
        ),
        started=Sum("n", filter=Q(figure="started", day__lte=today)),
        finished=Sum("finished", filter=Q(figure="ended")),
        recovered=Sum("recovered", filter=Q(figure="ended")),
        # (substantially_improved is set only on finished courses: outcome_table)
        improved=Sum("improved", filter=Q(figure="ended")),
        seconds=Sum("seconds", filter=Q(figure="ended")),
    )
)


def costs(clinic, settings, today: dt.date | None = None) -> dict | None:
    """Cost per started, finished and recovered patient over the last year: therapist
    time recorded on the episodes that ended in it at the hourly cost, plus twelve
    months of fixed costs (one query). None until the clinic has entered its costs.
    For a clinic on the Swedish rule, also per patient substantially improved by it
    (``per_improved``), beside the national "recovered"."""
    if settings is None:
        return None
    today = today or clinic_dates.clinic_today(clinic)
    since = today - dt.timedelta(days=COST_DAYS)
    (row,) = _COSTS(_ids(clinic), since, today)
    counts = dict(
        zip(("started", "finished", "recovered", "improved", "seconds"), row, strict=True)
    )
    seconds = counts.pop("seconds") or 0
    counts = {key: n or 0 for key, n in counts.items()}
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
        "per_improved": per(counts["improved"]) if _swedish(clinic) else None,
        "swedish": _swedish(clinic),
        **counts,
    }


_COMPARED = Prepared(
    lambda ids, since: (
        DashboardCount.objects.filter(clinic_id__in=ids, figure__in=["ended", "started"])
        .values_list("clinic_id")
        .annotate(
            n_started=Sum("n", filter=Q(figure="started"), default=0),
            n_ended=Sum("n", filter=Q(figure="ended"), default=0),
            n_finished=Sum("finished", filter=Q(figure="ended"), default=0),
            n_recovered=Sum("recovered", filter=Q(figure="ended"), default=0),
            all_seconds=Sum("seconds", filter=Q(figure="ended"), default=0),
            year_seconds=Sum("seconds", filter=Q(figure="ended", day__gt=since), default=0),
            year_finished=Sum("finished", filter=Q(figure="ended", day__gt=since), default=0),
        )
        .order_by()
        .values_list(
            "clinic_id",
            "n_started",
            "n_ended",
            "n_finished",
            "n_recovered",
            "all_seconds",
            "year_seconds",
            "year_finished",
        )
    )
)


def clinic_comparison(clinics, settings: dict, today: dt.date | None = None) -> Table:
    """The region's clinics side by side (a region's dashboard): applications, courses
    started, ended, finished and recovered, the median waits, therapist minutes per
    finished course and, where the clinic entered its costs, the cost per finished
    course over the last year. Three queries of the kept counts whatever the number of
    clinics or patients. Figures per finished course are left out where fewer than 5
    finished (a rate built on a suppressed number)."""
    today = today or clinic_dates.today_at(clinics)
    since = today - dt.timedelta(days=COST_DAYS)
    place = Clinics(tuple(c.pk for c in clinics))
    applied = dict(_summed(place, "applied", ("clinic_id",)))
    outcomes = {row[0]: row[1:] for row in _COMPARED(_ids(place), since)}
    gaps: dict[tuple[int, str], dict[int, int]] = {}
    for clinic_id, figure, key, n in _summed(
        place, ("wait_assessment", "wait_start"), ("clinic_id", "figure", "key")
    ):
        days = gaps.setdefault((clinic_id, figure), {})
        days[int(key)] = days.get(int(key), 0) + n

    def median(pk: int, figure: str) -> int | None:
        return _percentile(list(gaps.get((pk, figure), {}).items()), 0.5)

    to_assessment = {c.pk: median(c.pk, "wait_assessment") for c in clinics}
    to_start = {c.pk: median(c.pk, "wait_start") for c in clinics}
    rows = []
    for clinic in clinics:
        started, ended_n, finished, recovered, seconds, year_seconds, year_finished = outcomes.get(
            clinic.pk, (0, 0, 0, 0, 0, 0, 0)
        )
        per_finished = None
        if finished >= access.SMALL_NUMBER:
            per_finished = round((seconds or 0) / 60 / finished)
        cost = None
        chosen = settings.get(clinic.pk)
        if chosen is not None and year_finished >= access.SMALL_NUMBER:
            total = float(chosen.per_therapist_hour) * (year_seconds or 0) / 3600 + 12 * float(
                chosen.fixed_per_month
            )
            cost = round(total / year_finished)
        rows.append(
            [
                clinic.name,
                applied.get(clinic.pk, 0),
                started,
                ended_n,
                finished,
                recovered,
                to_assessment.get(clinic.pk),
                to_start.get(clinic.pk),
                per_finished,
                cost,
            ]
        )
    return Table(
        "clinics",
        str(_("The clinics side by side")),
        [
            str(_("Clinic")),
            str(_("Applications")),
            str(_("Started")),
            str(_("Ended")),
            str(_("Finished")),
            str(_("Recovered")),
            str(_("Days to assessment (median)")),
            str(_("Days from assessment to start (median)")),
            str(_("Therapist minutes per finished course")),
            str(_("Cost per finished course, last twelve months")),
        ],
        rows,
        count_columns=(1, 2, 3, 4, 5),
    )
