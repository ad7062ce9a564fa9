"""WSAS: 5 items 0-8, Mundt 2002 bands, the work item may be left out (maximum 32)."""

import pytest

from tessera.instruments.scoring import InvalidAnswersError, load_definition, score

WSAS = load_definition("WSAS")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    assert score(WSAS, answers(0, 0, 0, 0, 0)).total == 0
    high = score(WSAS, answers(8, 8, 8, 8, 8))
    assert (high.total, high.max_total, high.band.code) == (40, 40, "moderately_severe")


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((8, 1, 0, 0, 0), 9, "subclinical"),
        ((8, 2, 0, 0, 0), 10, "significant"),
        ((8, 8, 4, 0, 0), 20, "significant"),
        ((8, 8, 5, 0, 0), 21, "moderately_severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(WSAS, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_the_work_item_may_be_skipped():
    result = score(WSAS, {2: 8, 3: 8, 4: 8, 5: 8})
    assert (result.total, result.max_total) == (32, 32)
    assert result.missing_handling == ("optional_item_excluded",)
    assert result.band.code == "moderately_severe"


def test_no_other_item_may_be_skipped():
    assert score(WSAS, {1: 2, 3: 2, 4: 2, 5: 2}).total is None


def test_it_rejects_9():
    with pytest.raises(InvalidAnswersError):
        score(WSAS, answers(9, 0, 0, 0, 0))
