"""Days and ISO weeks in a clinic's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC


def local_day(clinic, moment: dt.datetime) -> dt.date:
    """The clinic's calendar day at an aware moment."""
    return moment.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def local_midnight(clinic, day: dt.date) -> dt.datetime:
    """The moment (in UTC) the clinic's day begins; DST-correct."""
    tz = zoneinfo.ZoneInfo(clinic.time_zone)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).astimezone(UTC)


def recent_weeks(clinic, now: dt.datetime, count: int) -> list[dt.date]:
    """Mondays of the current ISO week and the ``count - 1`` before it, newest first."""
    monday = week_start(local_day(clinic, now))
    return [monday - dt.timedelta(weeks=i) for i in range(count)]


def opening_minutes_per_week(clinic) -> int:
    """The clinic's opening hours times its working days, in minutes."""
    opens = _as_time(clinic.opens_at)
    closes = _as_time(clinic.closes_at)
    day = dt.date(2000, 1, 3)
    length = dt.datetime.combine(day, closes) - dt.datetime.combine(day, opens)
    return int(length.total_seconds() // 60) * len(clinic.working_days)


def _as_time(value) -> dt.time:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value
