"""K10: 10 items 1-5 (range 10-50), bands from CLINICAL.md, skip rule for items 3 and 6."""

import pytest

from tessera.instruments.scoring import InvalidAnswersError, load_definition, score

K10 = load_definition("K10")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    low, high = score(K10, answers(*[1] * 10)), score(K10, answers(*[5] * 10))
    assert (low.total, low.min_total, low.band.code) == (10, 10, "likely_well")
    assert (high.total, high.band.code) == (50, "severe")


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((5, 5, 2, 1, 1, 1, 1, 1, 1, 1), 19, "likely_well"),
        ((5, 5, 3, 1, 1, 1, 1, 1, 1, 1), 20, "mild"),
        ((5, 5, 5, 3, 1, 1, 1, 1, 1, 1), 24, "mild"),
        ((5, 5, 5, 4, 1, 1, 1, 1, 1, 1), 25, "moderate"),
        ((5, 5, 5, 5, 4, 1, 1, 1, 1, 1), 29, "moderate"),
        ((5, 5, 5, 5, 5, 1, 1, 1, 1, 1), 30, "severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(K10, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_items_3_and_6_are_skipped_after_the_lowest_answer():
    values = answers(2, 1, 0, 2, 1, 0, 2, 2, 2, 2)
    del values[3], values[6]
    result = score(K10, values)
    assert result.total == 16  # 2+1+1+2+1+1+2+2+2+2, with 3 and 6 filled in as 1
    assert result.imputed == {3: 1, 6: 1}


def test_item_3_may_not_be_skipped_after_a_higher_answer():
    values = answers(2, 2, 1, 2, 1, 1, 2, 2, 2, 2)
    del values[3]
    assert score(K10, values).total is None


def test_it_rejects_0():
    with pytest.raises(InvalidAnswersError):
        score(K10, answers(0, 1, 1, 1, 1, 1, 1, 1, 1, 1))
