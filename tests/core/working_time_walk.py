"""The working-time walk as it was before the per-year window cache (reference only).

Kept verbatim so tests/core/test_working_time_equivalence.py and
bench/working_time_cpu.py can compare the cached calendar against it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tessera.core.working_time import MAX_DAYS, UTC, is_public_holiday


def _windows(clinic, first: dt.date, last: dt.date):
    """Yield (start, end) in UTC of each working window between two local dates."""
    tz = zoneinfo.ZoneInfo(clinic.time_zone)
    days = {int(c) for c in clinic.working_days}
    opens = _as_time(clinic.opens_at)
    closes = _as_time(clinic.closes_at)
    day = first
    while day <= last:
        if day.isoweekday() in days and not is_public_holiday(clinic, day):
            start = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
            end = dt.datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
            yield start, end
        day += dt.timedelta(days=1)


def _as_time(value) -> dt.time:
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def _local_date(clinic, moment: dt.datetime) -> dt.date:
    return moment.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


def working_seconds(clinic, start: dt.datetime, end: dt.datetime) -> int:
    """Seconds of the clinic's working time between two aware datetimes (0 if end <= start)."""
    # Python subtracts two datetimes of the same tzinfo by wall clock; work in UTC.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0
    total = 0.0
    for w_start, w_end in _windows(clinic, _local_date(clinic, start), _local_date(clinic, end)):
        overlap = (min(end, w_end) - max(start, w_start)).total_seconds()
        if overlap > 0:
            total += overlap
    return int(total)


def add_working_time(clinic, start: dt.datetime, seconds: float) -> dt.datetime:
    """The moment at which ``seconds`` of working time have passed since ``start``."""
    start = start.astimezone(UTC)
    remaining = float(seconds)
    first = _local_date(clinic, start)
    last = first + dt.timedelta(days=MAX_DAYS)
    for w_start, w_end in _windows(clinic, first, last):
        begin = max(start, w_start)
        if begin >= w_end:
            continue
        available = (w_end - begin).total_seconds()
        if remaining <= available:
            return begin + dt.timedelta(seconds=remaining)
        remaining -= available
    raise ValueError("the clinic has no working time")  # working_days is never empty
