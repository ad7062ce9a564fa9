"""Scores over time per instrument, ready for a chart and the table beside it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.safestring import SafeString

from tessera.instruments.scoring import load_definition

from .graphs import score_chart


@dataclass
class Series:
    code: str
    name: str
    rows: list = field(default_factory=list)  # (date, total, band label)
    chart: SafeString | None = None
    page: Page | None = None  # of ``rows``, the latest first (``page_tables``)
    previous_query: str = ""
    next_query: str = ""


def series_for(responses, language: str, clinic=None) -> list[Series]:
    """Group responses (oldest first) by instrument and draw one chart for each.

    Each answer is dated on the clinic's calendar (decision 0109): its UTC date put an
    answer given between midnight and 01:00 (02:00 in summer) in Stockholm on the day
    before, in the table and the chart."""
    zone = zoneinfo.ZoneInfo(clinic.time_zone if clinic is not None else settings.TIME_ZONE)
    by_code: dict[str, Series] = {}
    for response in responses:
        if response.total is None:
            continue
        definition = load_definition(response.instrument)
        series = by_code.setdefault(response.instrument, Series(definition.code, definition.name))
        band = (response.result.get("band") or {}).get("label") or {}
        label = band.get(language) or band.get("en") or ""
        series.rows.append((_day(response.submitted_at, zone), response.total, label))
    for series in by_code.values():
        definition = load_definition(series.code)
        bands = []
        if definition.bands:
            bands = [
                (b.min, b.max, b.label.get(language) or b.label.get("en") or b.code)
                for b in definition.bands.ranges
            ]
        series.chart = score_chart(
            [(day, total) for day, total, _label in series.rows],
            min_score=definition.min_total,
            max_score=definition.max_total,
            bands=bands,
            title=definition.name,
            chart_id=f"chart-{definition.code.lower()}",
        )
    return sorted(by_code.values(), key=lambda s: s.code)


def page_tables(series: list[Series], query: QueryDict, per_page: int) -> list[Series]:
    """Each chart's table of values a page at a time, the latest first (decision 0147):
    a weekly questionnaire for years is hundreds of rows under its chart. Each table
    has its own page number in the address (``phq-9-page``), so that paging one keeps
    the others' pages and the rest of the address. The chart draws every value."""
    for s in series:
        param = f"{s.code.lower()}-page"
        s.page = Paginator(s.rows[::-1], per_page).get_page(query.get(param))
        if s.page.has_previous():
            s.previous_query = _with(query, param, s.page.previous_page_number())
        if s.page.has_next():
            s.next_query = _with(query, param, s.page.next_page_number())
    return series


def _with(query: QueryDict, param: str, number: int) -> str:
    changed = query.copy()
    changed[param] = str(number)
    return "?" + changed.urlencode()


def _day(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()
