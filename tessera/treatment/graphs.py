"""Server-rendered progress graphs: one instrument's scores over time as an inline SVG.

The chart is a picture of data the page also shows as a table; the table is the accessible
version. The SVG carries a title and a short description for screen readers, draws every band
label as text beside its shading (colour is never the only carrier of meaning) and gives every
point a ``<title>`` with its date, score and band.

The page runs under a strict Content-Security-Policy, so the SVG has no ``style`` attributes,
no ``<style>`` element, no script and no external references: colours are presentation
attributes, and the class names (``tessera-chart…``) are styled in
``tessera/static/tessera/site.css``, which also handles forced-colours mode.

Geometry. The y axis runs from ``min_score`` to ``max_score`` and every whole score has a row
of equal height; a score is drawn at the middle of its row. A band ``(low, high, label)``
covers rows ``low`` to ``high`` exactly, so bands that meet (0-4, 5-9, ...) tile the plot with
no gap, a band edge lies half-way between two scores, and no point ever sits on an edge.
Gridlines are drawn at the band edges; the y labels name the lowest score, the first score of
each band and the highest score. On the x axis a point's position is proportional to the
number of days since the first score; a single day (one point, or all points on one day) is
centred.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

Band = tuple[int, int, str]
Point = tuple[dt.date, int]

# Colours (presentation attributes; site.css may override them through the class names).
INK = "#1b1f24"  # band labels and the empty message: 16:1 on white
MUTED = "#4a5360"  # axis lines and axis labels: 7.7:1 on white
EDGE = "#6b7682"  # gridlines at band edges
ACCENT = "#0b5cad"  # the line and the points (the site accent)
PAPER = "#ffffff"
BAND_FILLS = ("#f3f5f7", "#e3ebf4")  # light, alternating so neighbouring bands differ

FONT_SIZE = 12
MARGIN_LEFT = 40  # room for the y labels
MARGIN_RIGHT = 8
MARGIN_TOP = 16
MARGIN_BOTTOM = 28  # room for the date labels
PAD_X = 16  # keeps the first and last points off the axes
POINT_RADIUS = 4.5
LINE_WIDTH = 2.5
Y_LABEL_GAP = 13  # smallest vertical distance between two y labels
X_LABEL_GAP = 76  # smallest horizontal distance between two date labels
X_LABEL_HALF = 34  # about half the width of an ISO date at FONT_SIZE

_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def band_for(score: float, bands: Sequence[Band]) -> str:
    """The label of the band ``score`` falls in, or ``""`` when it falls in none.

    Bands are inclusive ``(low, high, label)`` ranges. As in the scoring engine, a band is
    found by its lower bound, so an unrounded 9.5 falls in the band 5-9.
    """
    found = ""
    for low, high, label in sorted(bands, key=lambda band: band[0]):
        if low <= score:
            found = label if score < high + 1 else ""
    return found


def score_chart(
    points: Sequence[Point],
    *,
    min_score: int,
    max_score: int,
    bands: Sequence[Band],
    title: str,
    width: int = 640,
    height: int = 240,
    chart_id: str | None = None,
) -> SafeString:
    """An inline SVG of ``points`` (date, score), drawn over the shaded ``bands``.

    ``chart_id`` prefixes every id in the SVG (a random one is made when it is not given), so
    several charts can share a page. Raises ``ValueError`` for a score outside
    ``min_score``..``max_score``, bands that overlap or leave that range, a size too small to
    draw in, or a ``chart_id`` that is not a plain id (letters, digits, ``-`` and ``_``).
    """
    _check_arguments(points, min_score, max_score, bands, width, height)
    if chart_id is None:
        chart_id = f"score-chart-{secrets.token_hex(4)}"
    elif not _ID_RE.fullmatch(chart_id):
        raise ValueError(f"chart_id must be letters, digits, '-' or '_': {chart_id!r}")
    frame = _Frame(width, height, min_score, max_score)
    ordered = sorted(points, key=lambda point: point[0])  # stable: same-day order is kept
    bands = sorted(bands, key=lambda band: band[0])

    parts = [
        _text_element("title", {"id": f"{chart_id}-title"}, title),
        _text_element("desc", {"id": f"{chart_id}-desc"}, _describe(ordered, bands, frame)),
        _draw_bands(frame, bands),
        _draw_axes(frame, bands),
        _draw_band_labels(frame, bands),
    ]
    if ordered:
        parts.append(_draw_data(frame, ordered, bands))
    else:
        parts.append(_draw_empty(frame))

    root = {
        "xmlns": "http://www.w3.org/2000/svg",
        "id": chart_id,
        "class": "tessera-chart",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title",
        "aria-describedby": f"{chart_id}-desc",
        "viewBox": f"0 0 {width} {height}",
        "width": "100%",
        "preserveAspectRatio": "xMidYMid meet",
        "font-family": "system-ui, sans-serif",
        "font-size": str(FONT_SIZE),
    }
    return mark_safe(_element("svg", root, "".join(parts)))  # noqa: S308 - every part escaped


class _Frame:
    """Plot area and the score-to-y mapping."""

    def __init__(self, width: int, height: int, min_score: int, max_score: int) -> None:
        self.width = width
        self.height = height
        self.min_score = min_score
        self.max_score = max_score
        self.left = MARGIN_LEFT
        self.right = width - MARGIN_RIGHT
        self.top = MARGIN_TOP
        self.bottom = height - MARGIN_BOTTOM
        self.row = (self.bottom - self.top) / (max_score - min_score + 1)

    def y(self, score: float) -> float:
        """Middle of the row for ``score``."""
        return self.top + (self.max_score - score + 0.5) * self.row

    def band_top(self, high: int) -> float:
        return self.top + (self.max_score - high) * self.row

    def band_bottom(self, low: int) -> float:
        return self.top + (self.max_score - low + 1) * self.row

    def x_positions(self, days: Sequence[dt.date]) -> list[float]:
        first, last = days[0], days[-1]
        span = (last - first).days
        if span == 0:
            return [(self.left + self.right) / 2 for _ in days]
        start, stop = self.left + PAD_X, self.right - PAD_X
        return [start + (day - first).days / span * (stop - start) for day in days]


def _check_arguments(points, min_score, max_score, bands, width, height) -> None:
    if min_score > max_score:
        raise ValueError(f"min_score {min_score} is above max_score {max_score}")
    if (
        width - MARGIN_LEFT - MARGIN_RIGHT - 2 * PAD_X <= 0
        or height - MARGIN_TOP - MARGIN_BOTTOM <= 0
    ):
        raise ValueError(f"a chart of {width}x{height} is too small to draw")
    previous_high = None
    for low, high, label in sorted(bands, key=lambda band: band[0]):
        if not min_score <= low <= high <= max_score:
            raise ValueError(f"band {label!r} ({low}-{high}) is not inside {min_score}-{max_score}")
        if previous_high is not None and low <= previous_high:
            raise ValueError(f"band {label!r} ({low}-{high}) overlaps the band below it")
        previous_high = high
    for day, score in points:
        if not min_score <= score <= max_score:
            raise ValueError(f"score {score} on {day} is not inside {min_score}-{max_score}")


def _score_text(score: int, band: str) -> str:
    if band:
        return gettext("%(score)s (%(band)s)") % {"score": score, "band": band}
    return str(score)


def _describe(points: Sequence[Point], bands: Sequence[Band], frame: _Frame) -> str:
    if not points:
        return gettext("No scores yet.")
    first_day, first_score = points[0]
    last_day, last_score = points[-1]
    scores = [score for _day, score in points]
    parts = [
        gettext("Number of scores: %(count)s, from %(first)s to %(last)s.")
        % {
            "count": len(points),
            "first": date_format(first_day, "SHORT_DATE_FORMAT"),
            "last": date_format(last_day, "SHORT_DATE_FORMAT"),
        }
    ]
    if len(points) > 1:
        parts.append(
            gettext("First score: %(first)s. Latest score: %(latest)s.")
            % {
                "first": _score_text(first_score, band_for(first_score, bands)),
                "latest": _score_text(last_score, band_for(last_score, bands)),
            }
        )
        parts.append(
            gettext("Lowest score: %(lowest)s. Highest score: %(highest)s.")
            % {"lowest": min(scores), "highest": max(scores)}
        )
    else:
        parts.append(
            gettext("Score: %(score)s.")
            % {"score": _score_text(first_score, band_for(first_score, bands))}
        )
    parts.append(
        gettext("Possible scores: %(min)s to %(max)s.")
        % {"min": frame.min_score, "max": frame.max_score}
    )
    if bands:
        ranges = "; ".join(
            gettext("%(label)s %(low)s to %(high)s") % {"label": label, "low": low, "high": high}
            for low, high, label in bands
        )
        parts.append(gettext("Bands: %(bands)s.") % {"bands": ranges})
    return " ".join(parts)


def _draw_bands(frame: _Frame, bands: Sequence[Band]) -> str:
    rects = []
    for index, (low, high, _label) in enumerate(bands):
        top, bottom = frame.band_top(high), frame.band_bottom(low)
        rects.append(
            _element(
                "rect",
                {
                    "class": f"tessera-chart__band tessera-chart__band--{'ab'[index % 2]}",
                    "x": _num(frame.left),
                    "y": _num(top),
                    "width": _num(frame.right - frame.left),
                    "height": _num(bottom - top),
                    "fill": BAND_FILLS[index % 2],
                },
            )
        )
    return _element("g", {"class": "tessera-chart__bands"}, "".join(rects))


def _draw_axes(frame: _Frame, bands: Sequence[Band]) -> str:
    lines = []
    for low, _high, _label in bands:
        if low > frame.min_score:  # an edge between two rows, not the bottom of the plot
            y = frame.band_bottom(low)
            lines.append(
                _line(frame.left, y, frame.right, y, "tessera-chart__edge", EDGE, dashed=True)
            )
    bottom = frame.bottom
    lines.append(_line(frame.left, frame.top, frame.left, bottom, "tessera-chart__axis", MUTED))
    lines.append(_line(frame.left, bottom, frame.right, bottom, "tessera-chart__axis", MUTED))

    values = sorted({frame.min_score, frame.max_score, *(low for low, _h, _l in bands)})
    labelled = _thin([(frame.y(value), value) for value in values], Y_LABEL_GAP)
    labels = [
        _text_element(
            "text",
            {
                "class": "tessera-chart__tick",
                "x": _num(frame.left - 6),
                "y": _num(y),
                "text-anchor": "end",
                "dominant-baseline": "central",
                "fill": MUTED,
            },
            str(value),
        )
        for y, value in labelled
    ]
    return _element("g", {"class": "tessera-chart__axes"}, "".join(lines + labels))


def _draw_band_labels(frame: _Frame, bands: Sequence[Band]) -> str:
    """Each band's label inside its band at the right edge, over a halo so it stays legible.

    A band shorter than a line of text gets no label rather than one that spills into its
    neighbour; the description still lists every band.
    """
    labels = []
    for low, high, label in bands:
        top, bottom = frame.band_top(high), frame.band_bottom(low)
        if bottom - top < FONT_SIZE + 1:
            continue
        labels.append(
            _text_element(
                "text",
                {
                    "class": "tessera-chart__band-label",
                    "x": _num(frame.right - 6),
                    "y": _num((top + bottom) / 2),
                    "text-anchor": "end",
                    "dominant-baseline": "central",
                    "fill": INK,
                    "stroke": PAPER,
                    "stroke-width": "3",
                    "stroke-linejoin": "round",
                    "paint-order": "stroke",
                },
                label,
            )
        )
    return _element("g", {"class": "tessera-chart__band-labels"}, "".join(labels))


def _draw_data(frame: _Frame, points: Sequence[Point], bands: Sequence[Band]) -> str:
    days = [day for day, _score in points]
    xs = frame.x_positions(days)
    coords = [(x, frame.y(score)) for x, (_day, score) in zip(xs, points, strict=True)]
    parts = []

    distinct = sorted(set(days))
    day_x = dict(zip(days, xs, strict=True))
    for x, day in _thin([(day_x[day], day) for day in distinct], X_LABEL_GAP):
        parts.append(
            _text_element(
                "text",
                {
                    "class": "tessera-chart__tick",
                    "x": _num(min(max(x, X_LABEL_HALF), frame.width - X_LABEL_HALF)),
                    "y": _num(frame.bottom + 18),
                    "text-anchor": "middle",
                    "fill": MUTED,
                },
                day.isoformat(),
            )
        )
    if len(points) > 1:
        parts.append(
            _element(
                "polyline",
                {
                    "class": "tessera-chart__line",
                    "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in coords),
                    "fill": "none",
                    "stroke": ACCENT,
                    "stroke-width": _num(LINE_WIDTH),
                    "stroke-linejoin": "round",
                    "stroke-linecap": "round",
                },
            )
        )
    for (x, y), (day, score) in zip(coords, points, strict=True):
        tip = gettext("%(date)s: %(score)s") % {
            "date": day.isoformat(),
            "score": _score_text(score, band_for(score, bands)),
        }
        parts.append(
            _element(
                "circle",
                {
                    "class": "tessera-chart__point",
                    "cx": _num(x),
                    "cy": _num(y),
                    "r": _num(POINT_RADIUS),
                    "fill": ACCENT,
                    "stroke": PAPER,
                    "stroke-width": "1.5",
                },
                _text_element("title", {}, tip),
            )
        )
    return _element("g", {"class": "tessera-chart__data"}, "".join(parts))


def _draw_empty(frame: _Frame) -> str:
    return _text_element(
        "text",
        {
            "class": "tessera-chart__empty",
            "x": _num((frame.left + frame.right) / 2),
            "y": _num((frame.top + frame.bottom) / 2),
            "text-anchor": "middle",
            "dominant-baseline": "central",
            "font-size": str(FONT_SIZE + 2),
            "fill": INK,
            "stroke": PAPER,
            "stroke-width": "4",
            "stroke-linejoin": "round",
            "paint-order": "stroke",
        },
        gettext("No scores yet"),
    )


def _thin(items: list[tuple[float, object]], gap: float) -> list[tuple[float, object]]:
    """Drop labels that would overlap, keeping the first and the last. Sorted by position."""
    items = sorted(items, key=lambda item: item[0])
    kept = items[:1]
    for index, item in enumerate(items[1:], start=2):
        if item[0] - kept[-1][0] >= gap:
            kept.append(item)
        elif index == len(items) and len(kept) > 1:
            kept[-1] = item  # the last one wins over its neighbour
    return kept


def _line(x1, y1, x2, y2, css_class: str, colour: str, *, dashed: bool = False) -> str:
    attrs = {
        "class": css_class,
        "x1": _num(x1),
        "y1": _num(y1),
        "x2": _num(x2),
        "y2": _num(y2),
        "stroke": colour,
        "stroke-width": "1",
    }
    if dashed:
        attrs["stroke-dasharray"] = "4 3"
    return _element("line", attrs)


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _element(name: str, attrs: dict[str, str], content: str | None = None) -> str:
    """Markup for one element. Attribute values are escaped here; ``content`` is markup.
    Escaped as Django's ``escape`` escapes (it is ``html.escape``), without the lazy
    wrapper and the safe string it makes for each value: a chart has some eighty
    elements of five attributes each (issue 16: CPU per request)."""
    attr_text = "".join(f' {key}="{html.escape(str(value))}"' for key, value in attrs.items())
    if content is None:
        return f"<{name}{attr_text}/>"
    return f"<{name}{attr_text}>{content}</{name}>"


def _text_element(name: str, attrs: dict[str, str], text: str) -> str:
    return _element(name, attrs, html.escape(str(text)))
