"""Turning a clinic's measurement schedule into dated occasions (hand-computed dates)."""

import datetime as dt
from types import SimpleNamespace

from tessera.treatment.schedule import occasions


def rule(instrument, point, interval=None, before=2, after=7):
    return SimpleNamespace(
        instrument=instrument,
        time_point=point,
        interval_days=interval,
        open_days_before=before,
        expire_days_after=after,
    )


START = dt.date(2026, 3, 2)  # a Monday


def test_pre_post_and_follow_ups_fall_on_the_right_days():
    got = occasions(
        [rule("PHQ-9", "pre"), rule("PHQ-9", "post"), rule("PHQ-9", "follow_up_3")],
        start=START,
        weeks=10,
        time_zone="Europe/Stockholm",
    )
    days = [(o.time_point, o.due_at.date()) for o in got]
    # post: 2 March + 70 days = 11 May; follow-up 3 months: 11 May + 91 days = 10 August
    assert days == [
        ("pre", dt.date(2026, 3, 2)),
        ("post", dt.date(2026, 5, 11)),
        ("follow_up_3", dt.date(2026, 8, 10)),
    ]


def test_weekly_measures_run_between_start_and_end():
    got = occasions([rule("GAD-7", "weekly")], start=START, weeks=10, time_zone="UTC")
    assert [o.due_at.date() for o in got] == [
        START + dt.timedelta(days=7 * n) for n in range(1, 10)
    ]
    assert [o.sequence for o in got] == list(range(9))


def test_a_custom_interval_is_honoured():
    got = occasions([rule("PHQ-9", "custom", interval=10)], start=START, weeks=4, time_zone="UTC")
    assert [o.due_at.date() for o in got] == [dt.date(2026, 3, 12), dt.date(2026, 3, 22)]


def test_windows_are_counted_in_the_clinics_time_zone():
    (o,) = occasions(
        [rule("PHQ-9", "pre", before=2, after=7)], start=START, weeks=10, time_zone="Europe/Oslo"
    )
    assert o.due_at.isoformat() == "2026-03-02T00:00:00+01:00"
    assert o.opens_at.date() == dt.date(2026, 2, 28)
    # open through the 7th day after: expires at the start of the 8th
    assert o.expires_at.date() == dt.date(2026, 3, 10)


def test_before_module_occasions_wait_for_the_plan():
    assert occasions([rule("PHQ-9", "before_module")], start=START, weeks=10, time_zone="UTC") == []
