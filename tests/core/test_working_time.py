"""Working time across weekends, outside opening hours and over clock changes."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest

from tessera.core import working_time
from tessera.core.working_time import (
    add_working_time,
    public_holidays,
    response_deadline,
    working_seconds,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HOUR = 3600


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


# --- public holidays of the clinic's country are closed days -----------------------------

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_midsummer_eve_and_midsummer_day_are_skipped_in_sweden():
    # Thursday 18 June 2026 15:00: 1 h Thursday; Friday is Midsummer Eve (a de facto
    # holiday), Saturday Midsummer Day; 8 h Monday, 7 h Tuesday -> Tuesday 15:00.
    se = clinic(country="SE")
    assert response_deadline(se, at(2026, 6, 18, 15)) == at(2026, 6, 23, 15)
    assert response_deadline(clinic(), at(2026, 6, 18, 15)) == at(2026, 6, 22, 15)


def test_christmas_is_skipped_in_sweden():
    # Wednesday 23 December 2026 15:00: 1 h; Christmas Eve (Thu) and Christmas Day (Fri)
    # closed; Monday 28 and Tuesday 29 -> Tuesday 15:00.
    se = clinic(country="SE")
    assert response_deadline(se, at(2026, 12, 23, 15)) == at(2026, 12, 29, 15)
    # New Year's Eve (Thu 31) and New Year's Day (Fri 1) too: 1 h Wed 30, then Mon, Tue.
    assert response_deadline(se, at(2026, 12, 30, 15)) == at(2027, 1, 5, 15)
    assert working_seconds(se, at(2026, 12, 24, 0), at(2026, 12, 27, 0)) == 0


def test_constitution_day_is_skipped_in_norway():
    # Tuesday 16 May 2028 15:00 in Oslo: 1 h; Wednesday 17 May closed; Thu 8 h, Fri 7 h.
    no = clinic(tz="Europe/Oslo", country="NO")
    since = dt.datetime(2028, 5, 16, 15, tzinfo=OSLO)
    assert response_deadline(no, since) == dt.datetime(2028, 5, 19, 15, tzinfo=OSLO)


def test_kings_day_is_skipped_in_the_netherlands():
    # Friday 24 April 2026 15:00: 1 h; Monday 27 April is King's Day; Tue 8 h, Wed 7 h.
    nl = clinic(tz="Europe/Amsterdam", country="NL")
    since = dt.datetime(2026, 4, 24, 15, tzinfo=AMSTERDAM)
    assert response_deadline(nl, since) == dt.datetime(2026, 4, 29, 15, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("country", ["GB-SCT", "gb-sct", "SCT"])
def test_st_andrews_day_is_skipped_in_scotland(country):
    scotland = clinic(tz="Europe/London", opens="09:00", closes="17:00", country=country)
    # Monday 30 November 2026 is St Andrew's Day: Friday 16:00 + 16 h -> Wednesday 16:00.
    since = dt.datetime(2026, 11, 27, 16, tzinfo=LONDON)
    assert response_deadline(scotland, since) == dt.datetime(2026, 12, 2, 16, tzinfo=LONDON)
    # In 2025 it fell on a Sunday, so Monday 1 December was the substitute day.
    since = dt.datetime(2025, 11, 28, 16, tzinfo=LONDON)
    assert response_deadline(scotland, since) == dt.datetime(2025, 12, 3, 16, tzinfo=LONDON)


def test_st_andrews_day_is_not_a_holiday_in_england():
    assert dt.date(2026, 11, 30) not in public_holidays("GB-ENG", 2026)
    assert dt.date(2026, 11, 30) in public_holidays("GB-SCT", 2026)


@pytest.mark.parametrize("country", ["", "FR-XX", "ZZ", "GB-XYZ"])
def test_a_clinic_without_a_known_country_has_no_holidays(country):
    assert public_holidays(country, 2026) == frozenset()
    c = clinic(country=country)
    assert response_deadline(c, at(2026, 12, 23, 15)) == at(2026, 12, 25, 15)


def test_a_holiday_on_a_closed_weekday_changes_nothing():
    # Midsummer Day is always a Saturday: a Monday-to-Friday week is untouched by it.
    se = clinic(country="SE")
    assert working_seconds(se, at(2026, 6, 22, 8), at(2026, 6, 26, 16)) == 5 * 8 * HOUR


def test_the_holiday_set_is_computed_once_per_country_and_year(monkeypatch):
    public_holidays.cache_clear()
    working_time._year_windows.cache_clear()
    calls = []
    real = working_time.holiday_calendars.country_holidays

    def counting(*args, **kwargs):
        calls.append((args, kwargs.get("years")))
        return real(*args, **kwargs)

    monkeypatch.setattr(working_time.holiday_calendars, "country_holidays", counting)
    se = clinic(country="SE")
    for _ in range(3):
        working_seconds(se, at(2026, 1, 1), at(2027, 12, 31))
    assert sorted(year for _args, year in calls) == [2026, 2027]
    public_holidays.cache_clear()
