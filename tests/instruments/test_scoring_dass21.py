"""DASS-21: three scales of 7 items, each sum doubled; bands from the 1995 manual."""

import pytest

from tessera.instruments.scoring import load_definition, score

DASS = load_definition("DASS-21")
SCALE_ITEMS = {
    "D": [3, 5, 10, 13, 16, 17, 21],
    "A": [2, 4, 7, 9, 15, 19, 20],
    "S": [1, 6, 8, 11, 12, 14, 18],
}


def on_scale(scale, raw):
    """All 21 items 0, except `raw` points spread over the scale's items (3s first)."""
    values = dict.fromkeys(range(1, 22), 0)
    for item in SCALE_ITEMS[scale]:
        values[item] = min(3, raw)
        raw -= values[item]
    assert raw == 0
    return values


def test_it_scores_the_minimum_and_maximum():
    low = score(DASS, dict.fromkeys(range(1, 22), 0))
    high = score(DASS, dict.fromkeys(range(1, 22), 3))
    assert (low.total, high.total) == (0, 126)
    assert {k: s.score for k, s in low.subscales.items()} == {"D": 0, "A": 0, "S": 0}
    assert {k: s.score for k, s in high.subscales.items()} == {"D": 42, "A": 42, "S": 42}
    assert {k: s.band.code for k, s in high.subscales.items()} == dict.fromkeys(
        "DAS", "extremely_severe"
    )
    assert high.band is None  # no bands for the total


def test_each_item_counts_towards_its_own_scale_only():
    result = score(DASS, {**dict.fromkeys(range(1, 22), 0), 3: 1, 2: 2, 1: 3})
    assert {k: s.score for k, s in result.subscales.items()} == {"D": 2, "A": 4, "S": 6}
    assert result.total == 12


@pytest.mark.parametrize(
    ("scale", "raw", "doubled", "band"),
    [
        ("D", 4, 8, "normal"), ("D", 5, 10, "mild"),
        ("D", 6, 12, "mild"), ("D", 7, 14, "moderate"),
        ("D", 10, 20, "moderate"), ("D", 11, 22, "severe"),
        ("D", 13, 26, "severe"), ("D", 14, 28, "extremely_severe"),
        ("A", 3, 6, "normal"), ("A", 4, 8, "mild"),
        ("A", 4, 8, "mild"), ("A", 5, 10, "moderate"),
        ("A", 7, 14, "moderate"), ("A", 8, 16, "severe"),
        ("A", 9, 18, "severe"), ("A", 10, 20, "extremely_severe"),
        ("S", 7, 14, "normal"), ("S", 8, 16, "mild"),
        ("S", 9, 18, "mild"), ("S", 10, 20, "moderate"),
        ("S", 12, 24, "moderate"), ("S", 13, 26, "severe"),
        ("S", 16, 32, "severe"), ("S", 17, 34, "extremely_severe"),
    ],
)  # fmt: skip
def test_it_puts_each_band_edge_in_the_right_band(scale, raw, doubled, band):
    sub = score(DASS, on_scale(scale, raw)).subscales[scale]
    assert (sub.score, sub.band.code) == (doubled, band)


def test_it_refuses_a_missing_item():
    values = dict.fromkeys(range(1, 22), 1)
    del values[21]
    result = score(DASS, values)
    assert result.total is None
    assert all(s.score is None for s in result.subscales.values())
