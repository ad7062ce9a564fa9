"""Working time in a clinic: its working days and opening hours, in its own time zone.

Response targets ("reply within two working days") and response times achieved are
counted in this time, so a message sent on Friday afternoon is not late on Monday
morning. Each working day's window is built as local wall-clock times and converted to
UTC, so a day on which clocks change is as long as it really is. Public holidays are not
modelled: a clinic that closes on one counts it as a working day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC
MAX_DAYS = 3700  # ten years: a bound on every loop below


def _windows(clinic, first: dt.date, last: dt.date):
    """Yield (start, end) in UTC of each working window between two local dates."""
    tz = zoneinfo.ZoneInfo(clinic.time_zone)
    days = {int(c) for c in clinic.working_days}
    opens = _as_time(clinic.opens_at)
    closes = _as_time(clinic.closes_at)
    day = first
    while day <= last:
        if day.isoweekday() in days:
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


def response_deadline(clinic, since: dt.datetime) -> dt.datetime:
    """When a reply to something that arrived at ``since`` is due (the clinic's target)."""
    return add_working_time(clinic, since, clinic.response_target_hours * 3600)
