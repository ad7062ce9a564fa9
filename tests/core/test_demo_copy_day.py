"""The seeded demo's copy is kept per day at each of the demo's clinics (decision 0109)."""

import datetime as dt

from tests.demo_snapshot import demo_days

# 23:30 on Sunday 13 December 2026 in UTC (the machine's zone) is 00:30 on Monday in
# Stockholm: a copy seeded at 22:30 UTC counts its dates from Sunday there.
BEFORE = dt.datetime(2026, 12, 13, 22, 30, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 12, 13, 23, 30, tzinfo=dt.UTC)


def test_a_new_day_in_stockholm_is_a_new_copy_while_utc_still_has_the_old_one():
    assert BEFORE.date() == AFTER.date()
    assert demo_days(BEFORE) != demo_days(AFTER)
    assert dt.date(2026, 12, 14) in demo_days(AFTER)
    assert dt.date(2026, 12, 13) in demo_days(AFTER)  # still Sunday in Scotland
