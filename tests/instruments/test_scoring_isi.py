"""ISI: 7 items 0-4, Bastien 2001 bands, caseness from 10."""

import pytest

from tessera.instruments.scoring import load_definition, score

ISI = load_definition("ISI")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    assert score(ISI, answers(0, 0, 0, 0, 0, 0, 0)).band.code == "none"
    high = score(ISI, answers(4, 4, 4, 4, 4, 4, 4))
    assert (high.total, high.band.code) == (28, "severe")


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((4, 3, 0, 0, 0, 0, 0), 7, "none"),
        ((4, 4, 0, 0, 0, 0, 0), 8, "subthreshold"),
        ((4, 4, 4, 2, 0, 0, 0), 14, "subthreshold"),
        ((4, 4, 4, 3, 0, 0, 0), 15, "moderate"),
        ((4, 4, 4, 4, 4, 1, 0), 21, "moderate"),
        ((4, 4, 4, 4, 4, 2, 0), 22, "severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(ISI, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_caseness_starts_at_10():
    assert score(ISI, answers(4, 4, 1, 0, 0, 0, 0)).caseness == {"isi_at_least_10": False}
    assert score(ISI, answers(4, 4, 2, 0, 0, 0, 0)).caseness == {"isi_at_least_10": True}


def test_it_refuses_a_missing_item():
    assert score(ISI, answers(1, 1, 1, 1, 1, 1)).total is None
