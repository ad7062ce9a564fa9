"""GAD-7: hand-scored cases (Spitzer 2006 bands; screening and Talking Therapies caseness)."""

import pytest

from tessera.instruments.scoring import load_definition, score

GAD7 = load_definition("gad7")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    low, high = score(GAD7, answers(0, 0, 0, 0, 0, 0, 0)), score(GAD7, answers(3, 3, 3, 3, 3, 3, 3))
    assert (low.total, low.band.code) == (0, "minimal")
    assert (high.total, high.band.code) == (21, "severe")
    assert high.risk_flags == ()


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((1, 1, 1, 1, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0), 5, "mild"),
        ((3, 3, 3, 0, 0, 0, 0), 9, "mild"),
        ((3, 3, 3, 1, 0, 0, 0), 10, "moderate"),
        ((3, 3, 3, 3, 2, 0, 0), 14, "moderate"),
        ((3, 3, 3, 3, 3, 0, 0), 15, "severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(GAD7, answers(*values))
    assert (result.total, result.band.code) == (total, band)


def test_it_reports_both_caseness_cut_offs():
    seven = score(GAD7, answers(3, 3, 1, 0, 0, 0, 0)).caseness
    eight = score(GAD7, answers(3, 3, 2, 0, 0, 0, 0)).caseness
    nine = score(GAD7, answers(3, 3, 3, 0, 0, 0, 0)).caseness
    ten = score(GAD7, answers(3, 3, 3, 1, 0, 0, 0)).caseness
    assert seven == {"gad7_at_least_10": False, "gad7_talking_therapies": False}
    assert eight == {"gad7_at_least_10": False, "gad7_talking_therapies": True}
    assert nine["gad7_at_least_10"] is False
    assert ten == {"gad7_at_least_10": True, "gad7_talking_therapies": True}


def test_it_refuses_a_missing_item():
    result = score(GAD7, {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3})
    assert result.total is None
    assert result.missing_items == (7,)


def test_it_carries_the_loinc_panel_and_total():
    assert (GAD7.loinc["panel"], GAD7.loinc["total"]) == ("69737-5", "70274-6")
    # Items 1-7 as CLINICAL.md lists them (~: public FHIR Questionnaires agree).
    assert [i.loinc for i in GAD7.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ]  # fmt: skip
