"""Time left to a clinic's response target, counted in its working hours and time zone.

A reply is due ``Clinic.response_target_hours`` working hours after the patient sent
something (``core.working_time.response_deadline``). What is left, or how late it is, is
counted in working time too, so a worksheet sent on Friday afternoon is "due in 14
working hours" all weekend, and the clock does not run on Saturday. A working day is the
clinic's opening hours on one day (``closes_at - opens_at``): 8 hours by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tessera.core.working_time import response_deadline, working_seconds

from .words import ngettext

HOUR = 3600


@dataclass(frozen=True)
class Due:
    deadline: dt.datetime
    seconds: int  # working seconds left (>= 0) or late (when overdue)
    overdue: bool
    text: str


def working_day_seconds(clinic) -> int:
    opens = _as_time(clinic.opens_at)
    closes = _as_time(clinic.closes_at)
    return (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) * 60


def _as_time(value) -> dt.time:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def due(clinic, since: dt.datetime, now: dt.datetime) -> Due:
    """How long, in working time, until (or since) a reply to ``since`` is due."""
    deadline = response_deadline(clinic, since)
    if now < deadline:
        left = working_seconds(clinic, now, deadline)
        return Due(deadline, left, False, _words(clinic, left, overdue=False))
    late = working_seconds(clinic, deadline, now)
    return Due(deadline, late, True, _words(clinic, late, overdue=True))


def _words(clinic, seconds: int, *, overdue: bool) -> str:
    day = working_day_seconds(clinic) or 8 * HOUR
    if seconds >= day:
        days = seconds // day
        if overdue:
            return ngettext(
                "overdue by %(count)d working day", "overdue by %(count)d working days", days
            ) % {"count": days}
        return ngettext("due in %(count)d working day", "due in %(count)d working days", days) % {
            "count": days
        }
    if overdue:
        hours = seconds // HOUR
        if hours == 0:
            return ngettext(
                "overdue by less than %(count)d working hour",
                "overdue by less than %(count)d working hours",
                1,
            ) % {"count": 1}
        return ngettext(
            "overdue by %(count)d working hour", "overdue by %(count)d working hours", hours
        ) % {"count": hours}
    # Time left is rounded up: 2 h 10 min left is "due in 3 working hours".
    hours = max(1, -(-seconds // HOUR))
    return ngettext("due in %(count)d working hour", "due in %(count)d working hours", hours) % {
        "count": hours
    }
