"""Working time in a clinic: its working days and opening hours, in its own time zone.

Response targets ("reply within two working days") and response times achieved are
counted in this time, so a message sent on Friday afternoon is not late on Monday
morning. Each working day's window is built as local wall-clock times and converted to
UTC, so a day on which clocks change is as long as it really is. The public holidays of
the clinic's country (``clinic.country``: SE, NO, DK, NL or GB-SCT), from the `holidays`
package, are closed days, so reply targets and risk-alert escalation skip them
(docs/decisions/0009-libraries.md). A clinic without a country counts every working day.

The windows of a clinic's set-up (time zone, days, hours, country) are built once per
local year and kept for the process (``_year_windows``); a question finds its first window
by bisect and sums only the windows it spans, in the same float arithmetic as before
(the inbox asks this for every row).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import zoneinfo

import holidays as holiday_calendars

UTC = dt.UTC
MAX_DAYS = 3700  # ten years: a bound on every loop below


# Categories of the `holidays` package that close a clinic, per country; "public" elsewhere.
# Sweden adds Midsummer Eve, Christmas Eve and New Year's Eve (the package's "de_facto"
# days): the law counts them with Sundays as non-working days (Semesterlagen 1977:480,
# 3 a §) and the regions' clinics are closed on them.
HOLIDAY_CATEGORIES: dict[str, tuple[str, ...]] = {"SE": ("public", "de_facto")}


def _calendar(country: str) -> tuple[str, str | None] | None:
    """The `holidays` country and subdivision for a clinic's country code, or None."""
    key = (country or "").strip().upper()
    if key == "SCT":
        key = "GB-SCT"  # Scotland alone, as some imports write it
    code, _sep, subdivision = key.partition("-")
    supported = holiday_calendars.list_supported_countries()
    if code not in supported or (subdivision and subdivision not in supported[code]):
        return None
    return code, subdivision or None


@functools.lru_cache(maxsize=128)
def public_holidays(country: str, year: int) -> frozenset[dt.date]:
    """The days a clinic in ``country`` is closed for a public holiday in ``year``.

    Computed once per (country, year) and kept for the life of the process, so a request
    pays a dictionary look-up. Substitute days ("observed", e.g. St Andrew's Day on a
    Sunday moves to Monday in Scotland) are included as the package has them.
    """
    calendar = _calendar(country)
    if calendar is None:
        return frozenset()
    code, subdivision = calendar
    categories = HOLIDAY_CATEGORIES.get(code, ("public",))
    days = holiday_calendars.country_holidays(
        code, subdiv=subdivision, years=year, categories=categories
    )
    return frozenset(days)


def is_public_holiday(clinic, day: dt.date) -> bool:
    return day in public_holidays(getattr(clinic, "country", "") or "", day.year)


def _calendar_key(clinic) -> tuple:
    """What a clinic's working windows depend on (a cache key)."""
    return (
        clinic.time_zone,
        str(clinic.working_days),
        _as_time(clinic.opens_at),
        _as_time(clinic.closes_at),
        getattr(clinic, "country", "") or "",
    )


@functools.lru_cache(maxsize=512)
def _year_windows(key: tuple, year: int) -> tuple[tuple, tuple, tuple]:
    """The (local dates, UTC starts, UTC ends) of every working window of one local year.

    Built once per clinic setup and year for the life of the process (the key holds every
    field the windows depend on, so an edited clinic gets new windows): the inbox asks for
    the time left on every row, and building the windows day by day (time zone conversion
    and holiday look-up per day) for each row was most of its CPU.
    """
    time_zone, working_days, opens, closes, country = key
    tz = zoneinfo.ZoneInfo(time_zone)
    days = {int(c) for c in working_days}
    closed = public_holidays(country, year)
    dates, starts, ends = [], [], []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day.isoweekday() in days and day not in closed:
            dates.append(day)
            starts.append(dt.datetime.combine(day, opens, tzinfo=tz).astimezone(UTC))
            ends.append(dt.datetime.combine(day, closes, tzinfo=tz).astimezone(UTC))
        day += dt.timedelta(days=1)
    return tuple(dates), tuple(starts), tuple(ends)


_MICROSECOND = dt.timedelta(microseconds=1)


@functools.lru_cache(maxsize=512)
def _year_totals(key: tuple, year: int) -> tuple[int, ...]:
    """Working microseconds before each window of the year (and after the last): the
    time between two moments is a difference of two of these, not a walk over every
    window between them (issue 16: a reply months late walked hundreds of windows on
    every inbox row)."""
    _dates, starts, ends = _year_windows(key, year)
    totals = [0]
    for start, end in zip(starts, ends, strict=True):
        totals.append(totals[-1] + (end - start) // _MICROSECOND)
    return tuple(totals)


def _windows(clinic, first: dt.date, last: dt.date):
    """Yield (start, end) in UTC of each working window between two local dates."""
    key = _calendar_key(clinic)
    for year in range(first.year, last.year + 1):
        dates, starts, ends = _year_windows(key, year)
        low = bisect.bisect_left(dates, first) if year == first.year else 0
        high = bisect.bisect_right(dates, last) if year == last.year else len(dates)
        for i in range(low, high):
            yield starts[i], ends[i]


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
    key = _calendar_key(clinic)
    total = 0  # microseconds
    for year in range(_local_date(clinic, start).year, _local_date(clinic, end).year + 1):
        _dates, starts, ends = _year_windows(key, year)
        first = bisect.bisect_right(ends, start)  # the first window ending after start
        last = bisect.bisect_left(starts, end) - 1  # the last one starting before end
        if first > last:
            continue
        totals = _year_totals(key, year)
        total += totals[last + 1] - totals[first]
        # Less the parts of the first and last windows outside (start, end).
        total -= max(0, (start - starts[first]) // _MICROSECOND)
        total -= max(0, (ends[last] - end) // _MICROSECOND)
    return total // 1_000_000


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
