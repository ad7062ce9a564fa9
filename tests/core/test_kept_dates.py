"""``{% load kept_dates %}``: Django's ``date`` filter with its output kept per process
(tessera.core.templatetags.kept_dates, issue 16, decision 0075): for dates and
datetimes (aware, naive, either side of a change of clocks), in every language and
format, the same output as Django's filter, first and from what is kept; a change of
language or time zone draws the new one; a change of settings forgets."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Engine, engines
from django.template import defaultfilters as django_filters
from django.test import override_settings
from django.utils import timezone, translation

from tessera.core.templatetags import kept_dates

STOCKHOLM = ZoneInfo("Europe/Stockholm")
VALUES = [
    dt.date(2026, 11, 7),
    dt.date(2027, 1, 2),
    dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 5, 12, 9, 30, tzinfo=STOCKHOLM),
    dt.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=0),  # clocks go back:
    dt.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=1),  # 2:30 twice
    dt.datetime(2026, 5, 12, 9, 30),  # naive
    None,
    "",
    "2026-05-12",
]
FORMATS = [None, "SHORT_DATE_FORMAT", "DATE_FORMAT", "l j F, H:i", "e O T U c r I", "H", "c"]


def outcome(date_filter, value, fmt):
    """The output, or the error (a time's format for a date: Django raises)."""
    try:
        return date_filter(value, fmt)
    except TypeError as error:
        return str(error)


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
def test_the_same_output_as_djangos_filter_twice_in_each_language(language):
    kept_dates._KEPT.clear()
    with translation.override(language):
        for value in VALUES:
            for fmt in FORMATS:
                expected = outcome(django_filters.date, value, fmt)
                assert outcome(kept_dates.date, value, fmt) == expected, (value, fmt)
                assert outcome(kept_dates.date, value, fmt) == expected, (value, fmt)
    assert kept_dates._KEPT


def test_both_sides_of_the_change_of_clocks_are_kept_apart():
    first, second = VALUES[4], VALUES[5]
    assert first == second  # the same wall time in the same zone compares equal
    kept_dates._KEPT.clear()
    assert kept_dates.date(first, "c") == "2026-10-25T02:30:00+02:00"
    assert kept_dates.date(second, "c") == "2026-10-25T02:30:00+01:00"
    assert kept_dates.date(first, "c") == "2026-10-25T02:30:00+02:00"


def test_only_dates_and_datetimes_in_a_named_or_literal_format_are_kept():
    kept_dates._KEPT.clear()
    kept_dates.date(None, "SHORT_DATE_FORMAT")
    kept_dates.date("2026-05-12", "SHORT_DATE_FORMAT")
    kept_dates.date(dt.date(2026, 5, 12), translation.gettext_lazy("Y"))
    assert not kept_dates._KEPT
    with translation.override("sv"):
        kept_dates.date(dt.date(2026, 5, 12), "SHORT_DATE_FORMAT")
    assert list(kept_dates._KEPT) == [
        ("sv", "SHORT_DATE_FORMAT", dt.date, dt.date(2026, 5, 12), None, 0)
    ]


def test_in_a_template_the_same_as_djangos_filter_in_each_time_zone_and_language():
    source = '{% load kept_dates %}{{ d|date:"l j F, H:i T" }}|{{ day|date }}|{{ d|date }}'
    plain = Engine(libraries={"kept_dates": "django.template.defaultfilters"})
    kept = engines["django"].from_string(source)
    context = {"d": VALUES[2], "day": VALUES[0]}
    seen = set()
    for zone in ["Europe/Stockholm", "UTC", "Europe/Stockholm", "America/New_York"]:
        for language in ["sv", "en", "sv"]:
            with timezone.override(zone), translation.override(language):
                expected = plain.from_string(source).render(Context(context))
                assert kept.render(context) == expected
                seen.add(expected)
    assert len(seen) == 6  # each zone and language its own page


def test_the_timeline_draws_its_dates_with_the_kept_filter(monkeypatch):
    """The timeline's dates are worked out with its steps (``intake.timeline.
    when_in_words``, issue 16; the template drew them with the filter before), through
    the kept filter, not Django's."""
    from tessera.intake.timeline import Step, when_in_words

    asked = []
    monkeypatch.setattr(
        kept_dates, "formatted", lambda value, arg, language: asked.append(arg) or "D"
    )
    at = dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.UTC)
    with translation.override("en"):
        assert when_in_words(Step("x", "X", dt.date(2026, 5, 12), done=True), "en") == "D"
        assert when_in_words(Step("x", "X", at), "en") == "D"
        assert when_in_words(Step("x", "X", dt.date(2026, 5, 12)), "en") == "planned for D"
        assert when_in_words(Step("x", "X"), "en") == ""
    assert asked == ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT"]


def test_a_change_of_settings_forgets_what_is_kept():
    naive = VALUES[6]
    with translation.override("en"):
        kept_dates.date(naive, "T")
        assert kept_dates._KEPT
        with override_settings(TIME_ZONE="America/New_York"):
            assert not kept_dates._KEPT
            assert kept_dates.date(naive, "T") == django_filters.date(naive, "T") == "EDT"
        assert not kept_dates._KEPT
        assert kept_dates.date(naive, "T") == django_filters.date(naive, "T")


def test_a_process_keeps_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(kept_dates, "LIMIT", 2)
    kept_dates._KEPT.clear()
    for day in range(1, 6):
        value = dt.date(2026, 5, day)
        assert kept_dates.date(value, "Y-m-d") == f"2026-05-0{day}"
    assert len(kept_dates._KEPT) <= 2
