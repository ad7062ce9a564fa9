"""Scores over time are dated on the clinic's calendar, not UTC's (decision 0109)."""

import datetime as dt
from types import SimpleNamespace

from tessera.treatment import progress

# 00:30 on Tuesday 2 March 2027 in Stockholm is 23:30 on Monday 1 March in UTC.
JUST_AFTER_MIDNIGHT = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC)


def _answer(moment):
    return SimpleNamespace(instrument="gad7", total=8, result={}, submitted_at=moment)


def test_an_answer_just_after_midnight_is_dated_on_the_clinics_day():
    clinic = SimpleNamespace(time_zone="Europe/Stockholm")
    (series,) = progress.series_for([_answer(JUST_AFTER_MIDNIGHT)], "en", clinic)
    assert [day for day, _total, _label in series.rows] == [dt.date(2027, 3, 2)]


def test_a_scottish_clinic_dates_the_same_answer_on_its_own_day():
    clinic = SimpleNamespace(time_zone="Europe/London")
    (series,) = progress.series_for([_answer(JUST_AFTER_MIDNIGHT)], "en", clinic)
    assert [day for day, _total, _label in series.rows] == [dt.date(2027, 3, 1)]
