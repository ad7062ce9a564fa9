"""MADRS-S: 9 items 0-6, bands from CLINICAL.md, item 9 priority flag at 4 or more."""

import pytest

from tessera.instruments.scoring import InvalidAnswersError, load_definition, score

MADRS = load_definition("MADRS-S")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    assert score(MADRS, answers(*[0] * 9)).total == 0
    high = score(MADRS, answers(*[6] * 9))
    assert (high.total, high.band.code) == (54, "severe")


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((6, 6, 0, 0, 0, 0, 0, 0, 0), 12, "none_or_minimal"),
        ((6, 6, 1, 0, 0, 0, 0, 0, 0), 13, "mild"),
        ((6, 6, 6, 1, 0, 0, 0, 0, 0), 19, "mild"),
        ((6, 6, 6, 2, 0, 0, 0, 0, 0), 20, "moderate"),
        ((6, 6, 6, 6, 6, 4, 0, 0, 0), 34, "moderate"),
        ((6, 6, 6, 6, 6, 5, 0, 0, 0), 35, "severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(MADRS, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_item_9_raises_the_priority_flag_from_4():
    assert score(MADRS, answers(0, 0, 0, 0, 0, 0, 0, 0, 3)).risk_flags == ()
    flag = score(MADRS, answers(0, 0, 0, 0, 0, 0, 0, 0, 4)).risk_flags[0]
    assert (flag.code, flag.value, flag.threshold) == ("madrss_item9", 4, 4)


def test_a_clinic_may_flag_earlier():
    result = score(MADRS, answers(0, 0, 0, 0, 0, 0, 0, 0, 3), risk_overrides={"madrss_item9": 3})
    assert [f.code for f in result.risk_flags] == ["madrss_item9"]


def test_odd_values_between_the_anchors_are_allowed_but_7_is_not():
    assert score(MADRS, answers(1, 3, 5, 0, 0, 0, 0, 0, 0)).total == 9
    with pytest.raises(InvalidAnswersError):
        score(MADRS, answers(7, 0, 0, 0, 0, 0, 0, 0, 0))


def test_a_missing_item_refuses_the_total_but_not_the_flag():
    result = score(MADRS, {1: 2, 2: 2, 9: 5})
    assert result.total is None
    assert [f.code for f in result.risk_flags] == ["madrss_item9"]


def test_it_ships_swedish_headings_but_no_item_text():
    assert MADRS.item(9).topic["sv"] == "Livslust"
    assert all(text is None for item in MADRS.items for text in item.text.values())
