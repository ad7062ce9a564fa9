"""Turning a measurement schedule into concrete occasions for one episode.

Dates are counted in the clinic's time zone: an occasion is due at the start of its
day there, opens some days before and expires some days after (per rule).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from .models.measures import TimePoint

FOLLOW_UP_DAYS = {  # counted from the end of treatment
    TimePoint.FOLLOW_UP_3: 91,
    TimePoint.FOLLOW_UP_6: 182,
    TimePoint.FOLLOW_UP_12: 365,
}


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
    # BEFORE_MODULE occasions are created when a module opens (programmes issue).
    return []


def occasions(rules, *, start: dt.date, weeks: int, time_zone: str) -> list[Occasion]:
    tz = zoneinfo.ZoneInfo(time_zone)
    result = []
    for rule in rules:
        for sequence, day in enumerate(_days_for(rule, start, weeks)):
            due = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            result.append(
                Occasion(
                    instrument=rule.instrument,
                    time_point=rule.time_point,
                    sequence=sequence,
                    opens_at=due - dt.timedelta(days=rule.open_days_before),
                    due_at=due,
                    expires_at=due + dt.timedelta(days=rule.expire_days_after + 1),
                )
            )
    return sorted(result, key=lambda o: (o.due_at, o.instrument))
