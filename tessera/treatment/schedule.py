"""Turning a measurement schedule into concrete occasions for one episode.

Dates are counted in the clinic's time zone: an occasion is due at the start of its
day there, opens some days before and expires some days after (per rule).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from tessera.instruments.time_points import TimePoint

FOLLOW_UP_DAYS = {  # counted from the end of treatment
    TimePoint.FOLLOW_UP_3: 91,
    TimePoint.FOLLOW_UP_6: 182,
    TimePoint.FOLLOW_UP_12: 365,
}


@dataclass(frozen=True)
class ProgrammeRule:
    """One of a programme's default measures, read like a clinic's MeasureRule (with the
    model's default opening and expiry days)."""

    instrument: str
    time_point: str
    interval_days: int | None = None
    open_days_before: int = 2
    expire_days_after: int = 7


# The time points at which a programme's primary measure is always asked, so that its
# outcome has a first and a last score (the national rules' "paired scores", CLINICAL.md
# §2; SibeR collects measures at start and end, §3).
PRIMARY_TIME_POINTS = (TimePoint.PRE, TimePoint.POST)


def effective_rules(clinic_rules, default_measures, primary: str = "") -> list:
    """The schedule an episode follows: the clinic's own rules, and the programme's
    default measures for every time point the clinic has no rule for.

    Precedence is by time point, not by questionnaire: a clinic that measures anything
    "weekly" has decided what weekly means there, so none of the programme's weekly
    measures are added; a time point the clinic leaves empty takes all of the
    programme's measures for it. (docs/guide: "Measures before each module".)"""
    clinic_rules = list(clinic_rules)
    covered = {rule.time_point for rule in clinic_rules}
    extra = [
        ProgrammeRule(instrument=m["instrument"], time_point=m["time_point"])
        for m in default_measures or []
        if isinstance(m, dict) and m.get("time_point") not in covered and m.get("instrument")
    ]
    seen, unique = set(), []
    for rule in extra:  # a programme listing one measure twice still gets it once
        if (rule.instrument, rule.time_point) not in seen:
            seen.add((rule.instrument, rule.time_point))
            unique.append(rule)
    if primary:  # the programme's primary measure at the start and the end, with the
        # same precedence: a time point the clinic has its own rules for is left as it is.
        unique += [
            ProgrammeRule(instrument=primary, time_point=point)
            for point in PRIMARY_TIME_POINTS
            if point not in covered and (primary, point) not in seen
        ]
    return clinic_rules + unique


@dataclass(frozen=True)
class Occasion:
    instrument: str
    time_point: str
    sequence: int
    opens_at: dt.datetime
    due_at: dt.datetime
    expires_at: dt.datetime


def _days_for(rule, start: dt.date, weeks: int) -> list[dt.date]:
    end = start + dt.timedelta(weeks=weeks)
    point = rule.time_point
    if point in (TimePoint.SCREENING, TimePoint.PRE):
        return [start]
    if point == TimePoint.POST:
        return [end]
    if point in FOLLOW_UP_DAYS:
        return [end + dt.timedelta(days=FOLLOW_UP_DAYS[point])]
    if point in (TimePoint.WEEKLY, TimePoint.CUSTOM):
        step = 7 if point == TimePoint.WEEKLY else max(1, rule.interval_days or 7)
        days, day = [], start + dt.timedelta(days=step)
        while day < end:
            days.append(day)
            day += dt.timedelta(days=step)
        return days
    # BEFORE_MODULE occasions are created when the patient first opens a module
    # (before_module_occasions below).
    return []


def occasions(rules, *, start: dt.date, weeks: int, time_zone: str) -> list[Occasion]:
    """The rules' occasions over a course starting on ``start``. A repeating rule's
    occasion closes when its next one opens, if that comes before its own expiry: with
    the default days (opens 2 before, expires 7 after) a weekly questionnaire's window
    is 10 days, so a patient who missed one was asked the same questionnaire twice for
    three days each week, both about the same fortnight (decision 0131)."""
    tz = zoneinfo.ZoneInfo(time_zone)
    result = []
    for rule in rules:
        own = []
        for sequence, day in enumerate(_days_for(rule, start, weeks)):
            due = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            own.append(
                Occasion(
                    instrument=rule.instrument,
                    time_point=rule.time_point,
                    sequence=sequence,
                    opens_at=due - dt.timedelta(days=rule.open_days_before),
                    due_at=due,
                    expires_at=due + dt.timedelta(days=rule.expire_days_after + 1),
                )
            )
        for occasion, following in zip(own, own[1:], strict=False):
            if following.opens_at < occasion.expires_at:
                # Never before its own due moment: it stays answerable on its due day.
                end = max(following.opens_at, occasion.due_at + dt.timedelta(days=1))
                occasion = dataclasses.replace(occasion, expires_at=end)
            result.append(occasion)
        result.extend(own[-1:])
    return sorted(result, key=lambda o: (o.due_at, o.instrument))


def before_module_occasions(rules, *, sequence: int, now: dt.datetime) -> list[Occasion]:
    """The "before each module" questionnaires for one module the patient has just
    started: open at once and due now, so the reader can point to them first; they
    expire as the rule says. ``sequence`` is the plan entry's id."""
    return [
        Occasion(
            instrument=rule.instrument,
            time_point=rule.time_point,
            sequence=sequence,
            opens_at=now,
            due_at=now,
            expires_at=now + dt.timedelta(days=rule.expire_days_after + 1),
        )
        for rule in rules
        if rule.time_point == TimePoint.BEFORE_MODULE
    ]
