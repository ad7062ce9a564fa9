"""When someone can follow up a risk alert: the clinic's working hours plus the hours its
on-call rota covers (issue 20, item 6; docs/safety.md).

A high-severity alert raised at 18:15 used to be due the next morning, although the
person on the rota was told at once. Its window is now counted in *covered time*: the
clinic's working hours and every hour someone is on the rota. With a rota that covers the
evening, a high concern raised at 18:15 with a one-hour window is due at 19:15; without
one, it still waits for the clinic to open, and the alert page says so (``waits_for_opening``)
so that a clinician who cannot wait raises it as urgent or calls the patient now.

Everything is computed in the clinic's own time zone, as intervals per local day: each
working window (closed on the country's public holidays, ``core.working_time``) and each
rota hour (the rota is weekly, so it also covers public holidays).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tessera.core import on_call
from tessera.core.working_time import add_working_time, is_public_holiday

UTC = dt.UTC
HORIZON_DAYS = 21  # three weeks: the rota or the working week always gives time sooner


def _as_time(value) -> dt.time:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def rota_slots(clinic) -> set[tuple[int, int]]:
    """The (ISO weekday, hour) slots someone is on the rota (one query)."""
    return {
        slot for slot, people in on_call.cover(on_call.current_shifts(clinic)).items() if people
    }


def _intervals(clinic, day: dt.date, slots) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = zoneinfo.ZoneInfo(clinic.time_zone)
    found = []
    if day.isoweekday() in {int(d) for d in clinic.working_days} and not is_public_holiday(
        clinic, day
    ):
        opens = dt.datetime.combine(day, _as_time(clinic.opens_at), tzinfo=tz)
        closes = dt.datetime.combine(day, _as_time(clinic.closes_at), tzinfo=tz)
        found.append((opens.astimezone(UTC), closes.astimezone(UTC)))
    for hour in range(24):
        if (day.isoweekday(), hour) in slots:
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(UTC)
            end = (
                dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
                if hour == 23
                else dt.datetime.combine(day, dt.time(hour + 1), tzinfo=tz)
            ).astimezone(UTC)
            found.append((start, end))
    found.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def add_covered_time(clinic, since: dt.datetime, seconds: float, slots=None) -> dt.datetime:
    """The moment at which ``seconds`` of covered time (working hours or someone on the
    rota) have passed since ``since``."""
    slots = rota_slots(clinic) if slots is None else slots
    if not slots:
        return add_working_time(clinic, since, seconds)
    since = since.astimezone(UTC)
    remaining = float(seconds)
    day = since.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    for offset in range(HORIZON_DAYS):
        for start, end in _intervals(clinic, day + dt.timedelta(days=offset), slots):
            begin = max(since, start)
            if begin >= end:
                continue
            available = (end - begin).total_seconds()
            if remaining <= available:
                return begin + dt.timedelta(seconds=remaining)
            remaining -= available
    return add_working_time(clinic, since, seconds)


def is_covered(clinic, at: dt.datetime, slots=None) -> bool:
    """Whether someone is at work or on the rota at ``at``."""
    slots = rota_slots(clinic) if slots is None else slots
    at = at.astimezone(UTC)
    day = at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    return any(start <= at < end for start, end in _intervals(clinic, day, slots))


def waits_for_opening(alert, now: dt.datetime) -> bool:
    """Whether an open, unacknowledged alert is waiting, out of hours, for a clinic with
    nobody on the rota now (so its deadline is the next opening, not a person)."""
    if alert.resolved_at is not None or alert.acknowledged_at is not None:
        return False
    if alert.severity == "urgent":
        return False
    return not is_covered(alert.episode.clinic, now)
