"""PHQ-15: hand-scored cases (Kroenke 2002 bands; item 4 may be left out)."""

import pytest

from tessera.instruments.scoring import load_definition, score

PHQ15 = load_definition("PHQ-15")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    assert score(PHQ15, answers(*[0] * 15)).total == 0
    top = score(PHQ15, answers(*[2] * 15))
    assert (top.total, top.max_total, top.band.code) == (30, 30, "high")


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 4, "minimal"),
        ((2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 5, "low"),
        ((2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 9, "low"),
        ((2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 10, "medium"),
        ((2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0), 14, "medium"),
        ((2, 2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0), 15, "high"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(PHQ15, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_item_4_may_be_left_out_and_the_maximum_drops_to_28():
    values = answers(*[2] * 15)
    del values[4]
    result = score(PHQ15, values)
    assert (result.total, result.max_total) == (28, 28)
    assert result.missing_handling == ("optional_item_excluded",)
    assert result.missing_items == (4,)


def test_it_refuses_any_other_missing_item():
    values = answers(*[1] * 15)
    del values[5]
    assert score(PHQ15, values).total is None


def test_it_rejects_a_3():
    from tessera.instruments.scoring import InvalidAnswersError

    with pytest.raises(InvalidAnswersError):
        score(PHQ15, answers(3, *[0] * 14))
