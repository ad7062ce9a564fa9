"""The outcome report's figures, aggregated in the database from the outcome table.

``outcome_report(rows, ...)`` takes a queryset of ``EpisodeOutcome`` rows already scoped
by the access policy and returns every figure of the report in one query (two with the
referrals, which come from intake's applications). ``by_clinic`` does the same per
clinic in one query, for the region's comparison. Nothing here loads rows into Python.

Periods: flow counts (started, ended, finished, dropped out, stepped up) and the
outcome rates are over episodes that **ended** in the period (a course is counted once,
when it ends, as the national statistics count finished referrals); "started" counts
episodes whose treatment started in the period; "referred" and "assessed" count
applications sent in the period.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Avg, Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.intake.models import Application

from .models import EpisodeOutcome


@dataclass(frozen=True)
class Rate:
    """A figure with its numerator and denominator; ``key`` names its definition."""

    key: str
    label: str
    numerator: int | None
    denominator: int | None
    suppressed: bool = False

    @property
    def percent(self) -> float | None:
        if self.suppressed or not self.denominator or self.numerator is None:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | None  # None when suppressed or not applicable
    suppressed: bool = False


@dataclass(frozen=True)
class Change:
    """Mean first and last scores of finished courses on one measure, with the
    within-group effect size and its 95 % confidence interval."""

    measure: str
    n: int
    mean_first: float | None
    mean_last: float | None
    effect_size: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool = False


@dataclass
class Report:
    counts: list[Figure] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)
    endings: list[Figure] = field(default_factory=list)
    dropout_timing: list[Figure] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    follow_ups: list[Figure] = field(default_factory=list)
    adverse: list[Rate] = field(default_factory=list)
    adverse_mean: float | None = None  # negative effects per course that answered
    # The clinic's outcome rule as it applied to the courses that ended (outcome_table):
    # how many were read by the Swedish rule, and how many of a clinic on the Swedish
    # rule fell back to the national rules (no Swedish threshold for their measure).
    swedish_courses: int = 0
    fell_back: int = 0


def _period(prefix: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q(**{f"{prefix}__isnull": False})
    if start:
        q &= Q(**{f"{prefix}__gte": start})
    if end:
        q &= Q(**{f"{prefix}__lte": end})
    return q


def in_period(start: dt.date | None, end: dt.date | None) -> Q:
    """The rows any figure of a period reads: started or ended in it. Every aggregate
    of ``_aggregates`` filters on one of the two, so the others add nothing; leaving
    them out before aggregating spares evaluating some forty filters on each of them
    (bench/reports_pg.py: a one-year report over three years of courses)."""
    return _period("ended_on", start, end) | _period("started_on", start, end)


def _sent(clinics, start: dt.date | None, end: dt.date | None) -> Q:
    """The applications of ``clinics`` sent in the period, each on its own clinic's
    calendar (decision 0049): a Scottish clinic's quarter ends at midnight in Scotland,
    an hour after Stockholm's. The period's ends are moments per time zone of the
    clinics (as ``DueMeasure.overdue`` builds them), no date of ``submitted_at`` taken in
    the active zone (decision 0109); the clinics are read already, so no query more."""
    by_zone: dict[str, list[int]] = {}
    for clinic in clinics:
        by_zone.setdefault(clinic.time_zone, []).append(clinic.pk)
    sent = None
    for time_zone, ids in sorted(by_zone.items()):
        q = Q(clinic_id__in=sorted(ids))
        if start:
            q &= Q(submitted_at__gte=_midnight(start, time_zone))
        if end:
            q &= Q(submitted_at__lt=_midnight(end + dt.timedelta(days=1), time_zone))
        sent = q if sent is None else sent | q
    return Q(pk__in=[]) if sent is None else sent


def _midnight(day: dt.date, time_zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


def _moments(prefix: str, first: str, last: str, where: Q) -> dict:
    """Sums for the mean, standard deviation and correlation of paired scores."""
    f, g = Cast(first, FloatField()), Cast(last, FloatField())
    return {
        f"{prefix}_n": Count("pk", filter=where),
        f"{prefix}_sx": Sum(f, filter=where),
        f"{prefix}_sy": Sum(g, filter=where),
        f"{prefix}_sxx": Sum(f * f, filter=where),
        f"{prefix}_syy": Sum(g * g, filter=where),
        f"{prefix}_sxy": Sum(f * g, filter=where),
    }


def _aggregates(start, end) -> dict:
    """Every figure in one aggregate over any rows, each with its period in its filter:
    the definition the report's two queries (``_ended_aggregates`` and the started
    count) are tested against; the benchmark's "before"."""
    return {
        "started": Count("pk", filter=_period("started_on", start, end)),
        **_ended_aggregates(_period("ended_on", start, end)),
    }


def _ended_aggregates(ended: Q | None = None) -> dict:
    """Every figure but "started", over rows that ended in the period. The report reads
    only those rows (a range of the index on ``ended_on``), so ``ended`` is empty there
    and no filter below repeats the period's three comparisons on each row some forty
    times (bench/reports_pg.py)."""
    ended = ended or Q()
    finished = ended & Q(finished=True)
    reasons = {
        "completed": ended & Q(end_reason="completed"),
        "dropped_out": ended & Q(end_reason="dropped_out"),
        "stepped_up": ended & Q(end_reason="stepped_up"),
        "transferred": ended & Q(end_reason="transferred"),
    }
    dropped = reasons["dropped_out"]
    aggregates = {
        "ended": Count("pk", filter=ended),
        "finished_n": Count("pk", filter=finished),
        "not_at_caseness": Count("pk", filter=finished & Q(caseness_start=False)),
        "recovered_n": Count("pk", filter=finished & Q(recovered=True)),
        "improved": Count("pk", filter=finished & Q(reliable_improvement=True)),
        "deteriorated": Count("pk", filter=finished & Q(reliable_deterioration=True)),
        "reliably_recovered": Count("pk", filter=finished & Q(reliable_recovery=True)),
        "swedish_ended": Count("pk", filter=ended & Q(outcome_rule="swedish")),
        "swedish_finished": Count("pk", filter=finished & Q(outcome_rule="swedish")),
        "substantial": Count("pk", filter=finished & Q(substantially_improved=True)),
        "fell_back": Count("pk", filter=ended & Q(rule_fell_back=True)),
        "dropped_early": Count("pk", filter=dropped & Q(weeks_in_treatment__lt=2)),
        "dropped_middle": Count(
            "pk", filter=dropped & Q(weeks_in_treatment__gte=2, weeks_in_treatment__lt=6)
        ),
        "dropped_late": Count("pk", filter=dropped & Q(weeks_in_treatment__gte=6)),
        **{reason: Count("pk", filter=q) for reason, q in reasons.items()},
        **_moments("dep", "dep_first", "dep_last", finished & Q(dep_instrument="PHQ-9")),
        **_moments("anx", "anx_first", "anx_last", finished & Q(anx_instrument="GAD-7")),
    }
    measured = ended & Q(neq_effects__isnull=False)
    aggregates["neq_n"] = Count("pk", filter=measured)
    aggregates["neq_any"] = Count("pk", filter=measured & Q(neq_effects__gt=0))
    aggregates["neq_sum"] = Sum("neq_effects", filter=measured)
    for months in (3, 6, 12):
        name = f"dep_follow_up_{months}"
        answered = ended & Q(**{f"{name}__isnull": False})
        aggregates[f"fu{months}_n"] = Count("pk", filter=answered)
        aggregates[f"fu{months}_mean"] = Avg(name, filter=answered)
    return aggregates


def within_group_change(measure: str, n, sx, sy, sxx, syy, sxy) -> Change:
    """Mean first and last scores and the within-group effect size of the change.

    d = (mean first - mean last) / S_within, S_within = sqrt((SD_first² + SD_last²) / 2);
    its variance V = (1/n + d² / (2n)) · 2(1 - r), r the correlation of first and last
    scores, and the 95 % interval d ± 1.96 √V (Borenstein, Hedges, Higgins & Rothstein
    2009, Introduction to Meta-Analysis, §4 "Computing d from studies that use pre-post
    scores", equations 4.27-4.28 ~: quoted from the book, check the edition). Needs at
    least two courses and some spread in the scores; otherwise only the means.
    """
    if not n:
        return Change(measure, 0, None, None, None, None, None)
    mx, my = sx / n, sy / n
    if n < 2:
        return Change(measure, n, mx, my, None, None, None)
    var_x = (sxx - n * mx * mx) / (n - 1)
    var_y = (syy - n * my * my) / (n - 1)
    cov = (sxy - n * mx * my) / (n - 1)
    s_within = math.sqrt(max(var_x + var_y, 0.0) / 2)
    if s_within == 0 or var_x <= 0 or var_y <= 0:
        return Change(measure, n, mx, my, None, None, None)
    d = (mx - my) / s_within
    r = cov / math.sqrt(var_x * var_y)
    variance = (1 / n + d * d / (2 * n)) * 2 * (1 - r)
    half = 1.96 * math.sqrt(max(variance, 0.0))
    return Change(measure, n, mx, my, d, d - half, d + half)


def _suppress_count(key, label, value, suppress: bool) -> Figure:
    if suppress and value is not None and 0 < value < access.SMALL_NUMBER:
        return Figure(key, label, None, True)
    return Figure(key, label, value)


def _suppress_rate(key, label, numerator, denominator, suppress: bool) -> Rate:
    small = any(0 < v < access.SMALL_NUMBER for v in (numerator, denominator) if v is not None)
    if suppress and small:
        return Rate(key, label, None, None, True)
    return Rate(key, label, numerator, denominator)


def build(values: dict, referrals: dict | None, *, suppress: bool) -> Report:
    """The report from the aggregated values (``_aggregates``) and the referral counts."""
    report = Report()

    def count(key, label, value):
        return _suppress_count(key, label, value, suppress)

    referrals = referrals or {}
    report.counts = [
        count("referred", _("Referred"), referrals.get("referred")),
        count("assessed", _("Assessed"), referrals.get("assessed")),
        count("started", _("Started treatment"), values["started"]),
        count("ended", _("Ended"), values["ended"]),
        count("finished", _("Finished a course"), values["finished_n"]),
        count("dropped_out", _("Dropped out"), values["dropped_out"]),
        count("stepped_up", _("Stepped up"), values["stepped_up"]),
    ]
    at_caseness = values["finished_n"] - values["not_at_caseness"]
    rates = [
        ("finished", _("Finished a course"), values["finished_n"], values["ended"]),
        ("recovery", _("Recovery"), values["recovered_n"], at_caseness),
        (
            "reliable_improvement",
            _("Reliable improvement"),
            values["improved"],
            values["finished_n"],
        ),
        (
            "reliable_recovery",
            _("Reliable recovery"),
            values["reliably_recovered"],
            at_caseness,
        ),
        (
            "reliable_deterioration",
            _("Reliable deterioration"),
            values["deteriorated"],
            values["finished_n"],
        ),
        # The Swedish rule (primary.SWEDISH_PERCENT: a fall of 40 % or 30 % on the
        # primary measure, CLINICAL.md §2 ✓), over the courses it read.
        (
            "substantially_improved",
            _("Substantially improved (Swedish rule)"),
            values["substantial"],
            values["swedish_finished"],
        ),
        ("dropout", _("Dropout rate"), values["dropped_out"], values["ended"]),
    ]
    report.swedish_courses = values["swedish_ended"] or 0
    report.fell_back = values["fell_back"] or 0
    report.rates = [_suppress_rate(*rate, suppress) for rate in rates]
    report.endings = [
        count("completed", _("Completed treatment"), values["completed"]),
        count("dropped_out", _("Dropped out"), values["dropped_out"]),
        count("stepped_up", _("Stepped up to other care"), values["stepped_up"]),
        count("transferred", _("Transferred"), values["transferred"]),
    ]
    report.dropout_timing = [
        count("dropout_timing", _("In the first two weeks"), values["dropped_early"]),
        count("dropout_timing", _("In weeks 2 to 5"), values["dropped_middle"]),
        count("dropout_timing", _("From week 6"), values["dropped_late"]),
    ]
    for prefix, measure in (("dep", "PHQ-9"), ("anx", "GAD-7")):
        change = within_group_change(
            measure, *(values[f"{prefix}_{k}"] or 0 for k in ("n", "sx", "sy", "sxx", "syy", "sxy"))
        )
        if suppress and 0 < change.n < access.SMALL_NUMBER:
            change = Change(measure, 0, None, None, None, None, None, suppressed=True)
        report.changes.append(change)
    report.adverse = [
        _suppress_rate(
            "adverse_effects",
            _("Reported at least one negative effect (NEQ-20)"),
            values["neq_any"],
            values["neq_n"],
            suppress,
        ),
        _suppress_rate(
            "adverse_measured",
            _("Answered the NEQ-20 at the end"),
            values["neq_n"],
            values["ended"],
            suppress,
        ),
    ]
    if values["neq_n"] and not report.adverse[0].suppressed:
        report.adverse_mean = round((values["neq_sum"] or 0) / values["neq_n"], 1)
    for months in (3, 6, 12):
        report.follow_ups.append(count(f"follow_up_{months}", str(months), values[f"fu{months}_n"]))
    return report


def outcome_report(
    rows: QuerySet[EpisodeOutcome],
    *,
    clinics: list | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    suppress: bool = False,
) -> Report:
    """The report over these rows. ``clinics`` (``Clinic`` objects, read already) gives
    the clinics whose referrals count; None leaves referrals out (a therapist's own
    caseload has none)."""
    values = rows.filter(_period("ended_on", start, end)).aggregate(**_ended_aggregates())
    values["started"] = rows.filter(_period("started_on", start, end)).count()
    referrals = None
    if clinics is not None:
        referrals = referral_counts(clinics, start, end)
    return build(values, referrals, suppress=suppress)


def referral_counts(clinics, start, end) -> dict:
    """The referrals of ``clinics`` sent in the period, each on its clinic's calendar."""
    return (
        Application.objects.filter(_sent(clinics, start, end))
        .exclude(status__in=["draft", "duplicate"])
        .aggregate(
            referred=Count("pk", filter=Q(submitted_at__isnull=False)),
            assessed=Count("pk", filter=Q(assessed_at__isnull=False)),
        )
    )


def by_clinic(
    rows: QuerySet[EpisodeOutcome],
    start=None,
    end=None,
    *,
    suppress: bool = True,
    clinics: list | None = None,
) -> dict[int, Report]:
    """A report per clinic in one query (two with referrals), for the region. The
    referrals are those of ``clinics`` (``Clinic`` objects, read already: each counted
    on its own calendar); a clinic of them with referrals but no course in the period is
    reported too (its referrals, no outcomes). Without ``clinics``, no referrals."""
    grouped = {
        row["clinic_id"]: row
        for row in rows.filter(_period("ended_on", start, end))
        .values("clinic_id")
        .order_by("clinic_id")
        .annotate(**_ended_aggregates())
    }
    started = (
        rows.filter(_period("started_on", start, end))
        .values("clinic_id")
        .order_by("clinic_id")
        .annotate(n=Count("*"))  # not the key: the index (started_on, clinic) alone
        .values_list("clinic_id", "n")
    )
    for clinic_id, n in started:  # a clinic whose courses only started in the period
        grouped.setdefault(clinic_id, {"clinic_id": clinic_id, **_no_rows()})["started"] = n
    grouped = [grouped[clinic_id] for clinic_id in sorted(grouped)]
    referrals = _referrals_by_clinic(clinics, start, end) if clinics else {}
    reports = {
        row["clinic_id"]: build(
            {"started": 0, **row}, referrals.get(row["clinic_id"]), suppress=suppress
        )
        for row in grouped
    }
    for clinic_id, counted in referrals.items():
        if clinic_id not in reports:
            reports[clinic_id] = build(empty_values(), counted, suppress=suppress)
    return reports


def _referrals_by_clinic(clinics, start, end) -> dict[int, dict]:
    """``referral_counts`` per clinic of ``clinics``: one query."""
    return {
        row["clinic_id"]: row
        for row in Application.objects.filter(_sent(clinics, start, end))
        .exclude(status__in=["draft", "duplicate"])
        .values("clinic_id")
        .order_by("clinic_id")
        .annotate(
            referred=Count("pk", filter=Q(submitted_at__isnull=False)),
            assessed=Count("pk", filter=Q(assessed_at__isnull=False)),
        )
    }


def empty_values() -> dict:
    """The aggregates of no rows (a clinic with no episodes yet)."""
    return {key: 0 for key in _aggregates(None, None)}


def _no_rows() -> dict:
    """What the database's aggregate gives over no rows: counts 0, sums and means
    None (a clinic whose courses started in the period but none ended)."""
    return {
        key: 0 if isinstance(aggregate, Count) else None
        for key, aggregate in _ended_aggregates().items()
    }
