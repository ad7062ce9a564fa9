"""The server-rendered score chart: geometry checked by hand, bands, escaping and the CSP rules.

Default size 640x240: the plot runs from x 40 to 632 and from y 16 to 212 (196 px). Points
sit between x 56 and 616 (560 px). PHQ-9 has 28 whole scores (0-27), so each score has a row
of 196 / 28 = 7 px and a score s is drawn at y = 16 + (27 - s + 0.5) * 7.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from tessera.treatment import graphs
from tessera.treatment.graphs import band_for, score_chart

NS = "{http://www.w3.org/2000/svg}"
PHQ9_BANDS = [
    (0, 4, "Minimal"),
    (5, 9, "Mild"),
    (10, 14, "Moderate"),
    (15, 19, "Moderately severe"),
    (20, 27, "Severe"),
]
SITE_CSS = Path(__file__).resolve().parents[2] / "tessera" / "static" / "tessera" / "site.css"


def phq9_chart(points, **kwargs):
    kwargs.setdefault("chart_id", "phq9")
    kwargs.setdefault("title", "PHQ-9 over time")
    return score_chart(points, min_score=0, max_score=27, bands=PHQ9_BANDS, **kwargs)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the output is well-formed XML


def find_all(root: ET.Element, tag: str, css_class: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{NS}{tag}")
    if css_class is None:
        return list(found)
    return [el for el in found if css_class in el.get("class", "").split()]


def circles(root):
    return [(float(c.get("cx")), float(c.get("cy"))) for c in find_all(root, "circle")]


def polyline_points(root):
    (line,) = find_all(root, "polyline")
    return [tuple(float(v) for v in pair.split(",")) for pair in line.get("points").split()]


def day(month: int, day_of_month: int) -> dt.date:
    return dt.date(2024, month, day_of_month)


# band_for


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_band_for_phq9_edges(score, label):
    assert band_for(score, PHQ9_BANDS) == label


def test_band_for_outside_every_band_and_without_bands():
    assert band_for(28, PHQ9_BANDS) == ""
    assert band_for(-1, PHQ9_BANDS) == ""
    assert band_for(3, []) == ""
    assert band_for(12, [(10, 50, "K10 band")]) == "K10 band"
    assert band_for(5, [(10, 50, "K10 band")]) == ""


def test_band_for_finds_the_band_by_its_lower_bound_like_the_engine():
    assert band_for(9.5, PHQ9_BANDS) == "Mild"
    assert band_for(27, list(reversed(PHQ9_BANDS))) == "Severe"


# Positions, checked by hand


def test_three_points_hand_checked():
    # 1 Jan, 8 Jan, 29 Jan: 28 days over 560 px is 20 px a day.
    # x: 56, 56 + 7 * 20 = 196, 616.
    # y: 20 -> 16 + 7.5 * 7 = 68.5; 14 -> 16 + 13.5 * 7 = 110.5; 3 -> 16 + 24.5 * 7 = 187.5.
    root = parse(phq9_chart([(day(1, 1), 20), (day(1, 8), 14), (day(1, 29), 3)]))
    expected = [(56, 68.5), (196, 110.5), (616, 187.5)]
    assert circles(root) == expected
    assert polyline_points(root) == expected


def test_two_points_other_size_and_range_hand_checked():
    # 400x200, scores 0-12 (AUDIT-C, no bands): plot x 40-392, points 56-376;
    # plot y 16-172 = 156 px, 13 rows of 12 px: 0 -> 16 + 12.5 * 12 = 166, 12 -> 16 + 0.5 * 12 = 22.
    svg = score_chart(
        [(day(3, 10), 12), (day(3, 1), 0)],  # given out of order: drawn by date
        min_score=0,
        max_score=12,
        bands=[],
        title="AUDIT-C",
        width=400,
        height=200,
        chart_id="auditc",
    )
    root = parse(svg)
    assert root.get("viewBox") == "0 0 400 200"
    assert circles(root) == [(56, 166), (376, 22)]
    assert find_all(root, "rect", "tessera-chart__band") == []
    assert [t.findtext(f"{NS}title") for t in find_all(root, "circle")] == [
        "2024-03-01: 0",
        "2024-03-10: 12",
    ]


def test_minimum_above_zero_k10():
    # K10 runs 10-50: 41 rows of 196 / 41 px; 10 sits in the bottom row, 50 in the top row.
    svg = score_chart(
        [(day(1, 1), 10), (day(1, 2), 50)],
        min_score=10,
        max_score=50,
        bands=[(10, 19, "Well"), (20, 24, "Mild"), (25, 29, "Moderate"), (30, 50, "Severe")],
        title="K10",
        chart_id="k10",
    )
    row = 196 / 41
    (low, high) = circles(parse(svg))
    assert low == (56, pytest.approx(212 - row / 2, abs=0.01))
    assert high == (616, pytest.approx(16 + row / 2, abs=0.01))


def test_single_point_is_centred():
    root = parse(phq9_chart([(day(2, 1), 10)]))
    # (40 + 632) / 2 = 336; 10 -> 16 + 17.5 * 7 = 138.5
    assert circles(root) == [(336, 138.5)]
    assert find_all(root, "polyline") == []
    assert [t.text for t in find_all(root, "text", "tessera-chart__tick") if "-" in t.text] == [
        "2024-02-01"
    ]


def test_same_day_points_share_x_and_keep_their_order():
    root = parse(phq9_chart([(day(1, 1), 12), (day(1, 29), 4), (day(1, 1), 9)]))
    # The two 1 January points stay in the order given and sit above each other.
    # 12 -> 16 + 15.5 * 7 = 124.5; 9 -> 16 + 18.5 * 7 = 145.5; 4 -> 16 + 23.5 * 7 = 180.5
    expected = [(56, 124.5), (56, 145.5), (616, 180.5)]
    assert circles(root) == expected
    assert polyline_points(root) == expected
    dates = [t.text for t in find_all(root, "text", "tessera-chart__tick") if "-" in t.text]
    assert dates == ["2024-01-01", "2024-01-29"]  # one label per day


def test_all_points_on_one_day_are_centred():
    root = parse(phq9_chart([(day(5, 5), 3), (day(5, 5), 7)]))
    assert circles(root) == [(336, 187.5), (336, 159.5)]


# Bands


def test_phq9_band_rectangles_tile_the_whole_range():
    root = parse(phq9_chart([(day(1, 1), 5)]))
    rects = find_all(root, "rect", "tessera-chart__band")
    spans = sorted((float(r.get("y")), float(r.get("height"))) for r in rects)
    # Severe 20-27 is 8 rows (56 px) at the top; the other four bands are 5 rows (35 px).
    assert spans == [(16, 56), (72, 35), (107, 35), (142, 35), (177, 35)]
    for (y, height), (next_y, _h) in zip(spans, spans[1:], strict=False):
        assert y + height == next_y  # no gap and no overlap
    assert spans[0][0] == 16 and spans[-1][0] + spans[-1][1] == 212  # top to bottom
    for rect in rects:
        assert (float(rect.get("x")), float(rect.get("width"))) == (40, 592)
    # Every whole score is drawn strictly inside its own band's rectangle.
    by_top = dict(zip(sorted(spans), reversed(PHQ9_BANDS), strict=True))
    for score in range(28):
        y = 16 + (27 - score + 0.5) * 7
        (top, height), band = next(
            (span, band) for span, band in by_top.items() if span[0] < y < span[0] + span[1]
        )
        assert band[2] == band_for(score, PHQ9_BANDS)


def test_gridlines_at_band_edges_and_y_labels():
    root = parse(phq9_chart([(day(1, 1), 5)]))
    edges = sorted(float(line.get("y1")) for line in find_all(root, "line", "tessera-chart__edge"))
    assert edges == [72, 107, 142, 177]
    ticks = [t.text for t in find_all(root, "text", "tessera-chart__tick") if "-" not in t.text]
    assert ticks == ["27", "20", "15", "10", "5", "0"]


def test_band_labels_at_the_right_edge():
    root = parse(phq9_chart([(day(1, 1), 5)]))
    labels = find_all(root, "text", "tessera-chart__band-label")
    assert [t.text for t in labels] == [label for _low, _high, label in PHQ9_BANDS]
    assert {(t.get("x"), t.get("text-anchor")) for t in labels} == {("626", "end")}


def test_band_too_short_for_its_label_is_listed_in_the_description():
    # DASS-21 anxiety: "Mild" 8-9 is 2 rows of 196 / 43 px, shorter than a line of text.
    bands = [(0, 7, "Normal"), (8, 9, "Mild"), (10, 14, "Moderate"), (15, 19, "Severe")]
    bands.append((20, 42, "Extremely severe"))
    root = parse(
        score_chart(
            [(day(1, 1), 9)], min_score=0, max_score=42, bands=bands, title="A", chart_id="a"
        )
    )
    labels = [t.text for t in find_all(root, "text", "tessera-chart__band-label")]
    assert labels == ["Normal", "Moderate", "Severe", "Extremely severe"]
    assert "Mild 8 to 9" in root.findtext(f"{NS}desc")
    assert find_all(root, "circle")[0].findtext(f"{NS}title") == "2024-01-01: 9 (Mild)"


# Accessibility and markup


def test_root_title_description_and_scaling():
    svg = phq9_chart([(day(1, 1), 20), (day(1, 29), 3)])
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None  # the viewBox sets the aspect ratio
    assert root.get("viewBox") == "0 0 640 240"
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    title, desc = root[0], root[1]
    assert title.tag == f"{NS}title" and desc.tag == f"{NS}desc"
    assert root.get("aria-labelledby") == title.get("id") == "phq9-title"
    assert root.get("aria-describedby") == desc.get("id") == "phq9-desc"
    assert title.text == "PHQ-9 over time"
    assert "First score: 20 (Severe). Latest score: 3 (Minimal)." in desc.text
    assert [c.findtext(f"{NS}title") for c in find_all(root, "circle")] == [
        "2024-01-01: 20 (Severe)",
        "2024-01-29: 3 (Minimal)",
    ]


def test_ids_are_unique_per_chart():
    first, second = phq9_chart([(day(1, 1), 5)], chart_id=None), phq9_chart([], chart_id=None)
    ids = [re.findall(r'\bid="([^"]+)"', svg) for svg in (first, second)]
    assert all(len(found) == len(set(found)) == 3 for found in ids)
    assert not set(ids[0]) & set(ids[1])
    assert set(re.findall(r'\bid="([^"]+)"', phq9_chart([], chart_id="mine"))) == {
        "mine",
        "mine-title",
        "mine-desc",
    }


def test_malicious_text_is_escaped():
    evil = '</title><script>alert("x")</script><rect onload="x()"/> & more'
    svg = score_chart(
        [(day(1, 1), 2)],
        min_score=0,
        max_score=4,
        bands=[(0, 4, evil)],
        title=evil,
        chart_id="e",
    )
    assert "<script" not in svg and "onload=" not in svg.replace("onload=&quot;", "")
    assert "&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    root = parse(svg)
    assert root.findtext(f"{NS}title") == evil  # round-trips as text, never as markup
    assert [t.text for t in find_all(root, "text", "tessera-chart__band-label")] == [evil]
    assert find_all(root, "circle")[0].findtext(f"{NS}title") == f"2024-01-01: 2 ({evil})"
    assert find_all(root, "script") == []


def test_unsafe_chart_id_is_refused():
    with pytest.raises(ValueError, match="chart_id"):
        phq9_chart([], chart_id='x" onload="alert(1)')


@pytest.mark.parametrize(
    "points",
    [[], [(dt.date(2024, 1, 1), 9)], [(dt.date(2024, 1, 1), 9), (dt.date(2024, 2, 1), 27)]],
)
def test_no_inline_style_script_or_external_reference(points):
    svg = phq9_chart(points)
    assert "style=" not in svg and "<style" not in svg
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]  # xmlns only


def test_empty_says_no_scores_yet():
    root = parse(phq9_chart([]))
    assert root.findtext(f"{NS}desc") == "No scores yet."
    (message,) = find_all(root, "text", "tessera-chart__empty")
    assert message.text == "No scores yet"
    assert find_all(root, "circle") == [] and find_all(root, "polyline") == []
    assert len(find_all(root, "rect", "tessera-chart__band")) == 5  # the scale is still shown


# Colours


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_text_and_line_against_every_background():
    backgrounds = [*graphs.BAND_FILLS, graphs.PAPER]
    for background in backgrounds:
        assert _contrast(graphs.INK, background) >= 4.5
        assert _contrast(graphs.MUTED, background) >= 4.5
        assert _contrast(graphs.ACCENT, background) >= 3  # graphical object (WCAG 1.4.11)
    assert graphs.ACCENT == "#0b5cad"
    assert all(_luminance(fill) > 0.8 for fill in graphs.BAND_FILLS)  # light shading


def test_site_css_styles_the_classes_the_chart_uses():
    css = SITE_CSS.read_text(encoding="utf-8")
    svg = phq9_chart([(day(1, 1), 9), (day(1, 8), 12)]) + phq9_chart([])
    used = {c for value in re.findall(r'class="([^"]+)"', svg) for c in value.split()}
    styled = set(re.findall(r"\.(tessera-chart[\w-]*)", css))
    assert {"tessera-chart", "tessera-chart__line", "tessera-chart__band"} <= styled
    assert styled <= used  # no rule for a class the chart no longer draws


# Bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"points": [(dt.date(2024, 1, 1), 28)]}, "score 28"),
        ({"points": [(dt.date(2024, 1, 1), -1)]}, "score -1"),
        ({"bands": [(0, 5, "a"), (5, 27, "b")]}, "overlaps"),
        ({"bands": [(0, 30, "a")]}, "not inside"),
        ({"min_score": 5, "max_score": 4}, "above"),
        ({"width": 60}, "too small"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    arguments = {
        "points": [],
        "min_score": 0,
        "max_score": 27,
        "bands": PHQ9_BANDS,
        "title": "t",
        "chart_id": "bad",
    }
    arguments.update(kwargs)
    points = arguments.pop("points")
    with pytest.raises(ValueError, match=message):
        score_chart(points, **arguments)
