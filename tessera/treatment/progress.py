"""Scores over time per instrument, ready for a chart and the table beside it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.safestring import SafeString

from tessera.instruments.scoring import load_definition

from .graphs import score_chart


@dataclass
class Series:
    code: str
    name: str
    rows: list = field(default_factory=list)  # (date, total, band label)
    chart: SafeString | None = None


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


def _day(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()
