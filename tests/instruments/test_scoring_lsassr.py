"""LSAS-SR: 24 situations rated for fear (items 1-24) and avoidance (items 25-48)."""

import pytest

from tessera.instruments.scoring import load_definition, score

LSAS = load_definition("LSAS-SR")


def answers(points):
    """All 48 ratings 0, with `points` spread as 3s from item 1 upwards."""
    values = dict.fromkeys(range(1, 49), 0)
    for n in values:
        values[n] = min(3, points)
        points -= values[n]
    return values


def test_it_scores_the_minimum_and_maximum():
    assert score(LSAS, answers(0)).total == 0
    high = score(LSAS, answers(144))
    assert high.total == 144
    assert {k: s.score for k, s in high.subscales.items()} == {"fear": 72, "avoidance": 72}


def test_fear_and_avoidance_are_summed_apart():
    result = score(LSAS, {**dict.fromkeys(range(1, 49), 0), 1: 3, 24: 2, 25: 1, 30: 1})
    assert {k: s.score for k, s in result.subscales.items()} == {"fear": 5, "avoidance": 2}
    assert LSAS.item(30).dimension == "avoidance"
    assert LSAS.item(30).situation == 6


@pytest.mark.parametrize(
    ("points", "band", "at_30", "at_60"),
    [
        (29, "below_cutoff", False, False),
        (30, "social_anxiety", True, False),
        (59, "social_anxiety", True, False),
        (60, "generalised", True, True),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(points, band, at_30, at_60):
    result = score(LSAS, answers(points))
    assert (result.total, result.band.code) == (points, band)
    assert result.caseness == {"lsassr_at_least_30": at_30, "lsassr_at_least_60": at_60}


def test_it_refuses_a_missing_rating():
    values = answers(40)
    del values[48]
    assert score(LSAS, values).total is None
