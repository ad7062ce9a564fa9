"""The cached working calendar answers exactly as the day-by-day walk did.

Random moments (to the microsecond) across weekends, public holidays, clock changes and
clinics in different time zones and countries; ``working_time_walk`` is the old code.
"""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from working_time_walk import add_working_time as walk_add
from working_time_walk import working_seconds as walk_seconds

from tessera.core.working_time import add_working_time, response_deadline, working_seconds
from tessera.inbox import timing

UTC = dt.UTC


def clinic(
    tz="Europe/Stockholm", days="12345", opens="08:00", closes="16:00", target=16, country=""
):
    return SimpleNamespace(
        country=country,
        time_zone=tz,
        working_days=days,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
        response_target_hours=target,
    )


CLINICS = [
    clinic(),
    clinic(country="SE"),
    clinic(tz="Europe/Oslo", country="NO", opens="07:30", closes="15:30"),
    clinic(tz="Europe/Copenhagen", country="DK", days="1234"),
    clinic(tz="Europe/Amsterdam", country="NL", days="123456", opens="09:00", closes="17:30"),
    clinic(tz="Europe/London", country="GB-SCT", opens="01:30", closes="02:30"),
    # Opens inside the spring-forward gap and closes inside the autumn repeat.
    clinic(tz="Europe/Stockholm", country="SE", opens="02:30", closes="02:45", target=3),
    clinic(tz="America/New_York", days="7123", opens="00:00", closes="23:59", target=40),
    clinic(tz="Asia/Kolkata", days="1", opens="10:15", closes="10:16", target=1),
]

# Around DST changes and Christmas-New Year, plus anywhere in 2025-2028.
DST_DAYS = [dt.datetime(2026, 3, 29), dt.datetime(2026, 10, 25), dt.datetime(2027, 3, 14)]
HOLIDAYS = [dt.datetime(2026, 12, 24), dt.datetime(2027, 6, 25), dt.datetime(2026, 4, 3)]
near = st.sampled_from(DST_DAYS + HOLIDAYS).flatmap(
    lambda day: st.integers(-4 * 86400 * 10**6, 4 * 86400 * 10**6).map(
        lambda us: day.replace(tzinfo=UTC) + dt.timedelta(microseconds=us)
    )
)
anywhere = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(UTC)
)
moments = st.one_of(near, anywhere).map(
    lambda m: m.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
)
clinics = st.sampled_from(CLINICS)


@settings(max_examples=1500, deadline=None)
@given(clinics, moments, moments)
def test_working_seconds_are_the_walks(c, start, end):
    assert _same_seconds(working_seconds(c, start, end), walk_seconds(c, start, end))
    assert _same_seconds(working_seconds(c, end, start), walk_seconds(c, end, start))


def _same_seconds(counted: int, walked: int) -> bool:
    """Equal, or a second apart where the walk's sum of float seconds fell on the other
    side of a whole second (``working_seconds`` now counts whole microseconds, exactly;
    issue 16: 28799.998291 + 28800.001709 summed as floats is 57599.99999999999)."""
    return abs(counted - walked) <= 1


@settings(max_examples=1500, deadline=None)
@given(clinics, moments, st.floats(min_value=0, max_value=300 * 3600) | st.integers(0, 200 * 3600))
def test_adding_working_time_is_the_walks(c, start, seconds):
    assert _outcome(add_working_time, c, start, seconds) == _outcome(walk_add, c, start, seconds)


def _outcome(function, *args):
    """The answer, or the error when ten years hold too little working time."""
    try:
        return function(*args)
    except ValueError as error:
        return str(error)


@settings(max_examples=500, deadline=None)
@given(clinics, moments, st.integers(0, 30 * 86400))
def test_the_inbox_due_is_the_walks(c, since, later):
    now = since + dt.timedelta(seconds=later)
    deadline = walk_add(c, since, c.response_target_hours * 3600)
    assert response_deadline(c, since) == deadline
    due = timing.due(c, since, now)
    if now < deadline:
        assert not due.overdue
        assert _same_seconds(due.seconds, walk_seconds(c, now, deadline))
    else:
        assert due.overdue
        assert _same_seconds(due.seconds, walk_seconds(c, deadline, now))


def test_a_clinic_edited_in_the_process_gets_its_new_hours():
    c = clinic()
    monday = dt.datetime(2026, 11, 23, 7, tzinfo=UTC)
    before = working_seconds(c, monday, monday + dt.timedelta(hours=4))
    c.closes_at = dt.time(9, 0)
    after = working_seconds(c, monday, monday + dt.timedelta(hours=4))
    assert (before, after) == (4 * 3600, 3600)  # 08:00-12:00, then 08:00-09:00 local
