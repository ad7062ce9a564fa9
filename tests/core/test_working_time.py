"""Working time across weekends, outside opening hours and over clock changes."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest

from tessera.core.working_time import add_working_time, response_deadline, working_seconds

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HOUR = 3600


def clinic(tz="Europe/Stockholm", days="12345", opens="08:00", closes="16:00", target=16):
    return SimpleNamespace(
        time_zone=tz,
        working_days=days,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
        response_target_hours=target,
    )


def at(y, m, d, h=0, mi=0, tz=STOCKHOLM):
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


def test_within_one_day():
    assert working_seconds(clinic(), at(2026, 11, 23, 9), at(2026, 11, 23, 11)) == 2 * HOUR


def test_outside_hours_count_nothing():
    # Monday 16:30 to Tuesday 07:59
    assert working_seconds(clinic(), at(2026, 11, 23, 16, 30), at(2026, 11, 24, 7, 59)) == 0


def test_weekend_is_skipped():
    # Friday 14:00 to Monday 10:00: two hours on Friday, two on Monday
    assert working_seconds(clinic(), at(2026, 11, 27, 14), at(2026, 11, 30, 10)) == 4 * HOUR


def test_end_before_start_is_zero():
    assert working_seconds(clinic(), at(2026, 11, 24, 12), at(2026, 11, 24, 9)) == 0


def test_two_working_days_from_friday_afternoon():
    # 16 working hours from Friday 15:00: 1 h Friday, 8 h Monday, 7 h Tuesday -> Tue 15:00
    due = response_deadline(clinic(), at(2026, 11, 27, 15))
    assert due == at(2026, 12, 1, 15)


def test_arrival_on_saturday_starts_the_clock_on_monday():
    due = add_working_time(clinic(), at(2026, 11, 28, 12), 2 * HOUR)
    assert due == at(2026, 11, 30, 10)


def test_spring_forward_day_keeps_wall_clock_hours():
    # Clocks go forward on Sunday 29 March 2026 in Sweden; a seven-day service works it.
    c = clinic(days="1234567", opens="00:00", closes="23:59")
    seconds = working_seconds(c, at(2026, 3, 29, 0), at(2026, 3, 29, 23, 59))
    assert seconds == (23 * 60 + 59 - 60) * 60  # the day has one hour less


def test_autumn_change_over_a_weekend_deadline():
    # Clocks go back on Sunday 25 October 2026. From Friday 15:00, 16 h -> Tuesday 15:00
    # local time, which is 14:00 UTC (CET) rather than 13:00 UTC (CEST).
    due = response_deadline(clinic(), at(2026, 10, 23, 15))
    assert due == at(2026, 10, 27, 15)
    assert due.astimezone(dt.UTC).hour == 14


def test_clinics_in_different_time_zones_see_the_same_instant_differently():
    instant = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)  # 17:30 in Oslo
    oslo = clinic(tz="Europe/Oslo")
    edinburgh = clinic(tz="Europe/London", opens="09:00", closes="17:00")
    assert working_seconds(oslo, instant, instant + dt.timedelta(minutes=30)) == 0
    assert working_seconds(edinburgh, instant, instant + dt.timedelta(minutes=30)) == 1800


@pytest.mark.parametrize("hours", [0.5, 1, 7.5, 8, 9, 40, 80])
def test_add_then_measure_round_trips(hours):
    c = clinic()
    start = at(2026, 11, 26, 13, 17)
    due = add_working_time(c, start, hours * HOUR)
    assert working_seconds(c, start, due) == pytest.approx(hours * HOUR, abs=1)
