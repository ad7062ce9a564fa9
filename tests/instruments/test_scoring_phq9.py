"""PHQ-9: hand-scored cases (Kroenke 2001 bands; item 9 risk rule; no prorating)."""

import pytest

from tessera.instruments.scoring import (
    IncompleteAnswersError,
    InvalidAnswersError,
    RiskOverrideError,
    load_definition,
    score,
)

PHQ9 = load_definition("PHQ-9")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum():
    result = score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert result.total == 0
    assert result.band.code == "minimal"
    assert result.risk_flags == ()
    assert result.caseness == {"phq9_at_least_10": False}
    assert result.missing_handling == ()


def test_it_scores_the_maximum():
    result = score(PHQ9, answers(3, 3, 3, 3, 3, 3, 3, 3, 3))
    assert result.total == 27
    assert result.band.code == "severe"
    assert [f.code for f in result.risk_flags] == ["phq9_item9", "phq9_item9_daily"]
    assert result.caseness["phq9_at_least_10"] is True


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild"),
        ((2, 2, 2, 2, 1, 0, 0, 0, 0), 9, "mild"),
        ((2, 2, 2, 2, 2, 0, 0, 0, 0), 10, "moderate"),
        ((3, 3, 3, 3, 2, 0, 0, 0, 0), 14, "moderate"),
        ((3, 3, 3, 3, 3, 0, 0, 0, 0), 15, "moderately_severe"),
        ((3, 3, 3, 3, 3, 2, 2, 0, 0), 19, "moderately_severe"),
        ((3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe"),
    ],
)
def test_it_puts_each_band_edge_in_the_right_band(values, total, band):
    result = score(PHQ9, answers(*values))
    assert result.total == total
    assert result.band.code == band


def test_caseness_starts_at_10():
    assert score(PHQ9, answers(2, 2, 2, 2, 1, 0, 0, 0, 0)).caseness["phq9_at_least_10"] is False
    assert score(PHQ9, answers(2, 2, 2, 2, 2, 0, 0, 0, 0)).caseness["phq9_at_least_10"] is True


def test_it_flags_any_answer_to_item_9():
    assert score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 0)).risk_flags == ()
    flag = score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 1)).risk_flags[0]
    assert (flag.code, flag.item, flag.value, flag.threshold) == ("phq9_item9", 9, 1, 1)
    assert flag.overridden is False
    assert "CLINICAL.md" in flag.source


def test_a_clinic_can_raise_the_item_9_threshold():
    overrides = {"phq9_item9": 2}
    assert (
        score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 1), risk_overrides=overrides).risk_flags == ()
    )
    flag = score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 2), risk_overrides=overrides).risk_flags[0]
    assert flag.threshold == 2
    assert flag.overridden is True


def test_it_rejects_an_unknown_or_impossible_override():
    with pytest.raises(RiskOverrideError):
        score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 0), risk_overrides={"item9": 1})
    with pytest.raises(RiskOverrideError):
        score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 0), risk_overrides={"phq9_item9": 4})


def test_it_refuses_to_total_with_a_missing_item_but_keeps_the_risk_flag():
    partial = answers(1, 1, 1, 1, 1, 1, 1, 1, 2)
    del partial[3]
    result = score(PHQ9, partial)
    assert result.total is None
    assert result.band is None
    assert result.complete is False
    assert result.missing_items == (3,)
    assert result.missing_handling == ("refused",)
    assert [f.code for f in result.risk_flags] == ["phq9_item9"]
    with pytest.raises(IncompleteAnswersError) as caught:
        result.require_complete()
    assert caught.value.missing_items == (3,)
    assert [f.code for f in caught.value.risk_flags] == ["phq9_item9"]


def test_the_difficulty_item_is_accepted_but_not_scored():
    values = answers(1, 1, 1, 1, 1, 1, 1, 1, 0)
    assert score(PHQ9, {**values, 10: 3}).total == score(PHQ9, values).total == 8


@pytest.mark.parametrize("bad", [{1: 4}, {1: -1}, {11: 0}, {1: True}, {1: "2"}, {1: 1.0}], ids=repr)
def test_it_rejects_impossible_answers(bad):
    with pytest.raises(InvalidAnswersError):
        score(PHQ9, {**answers(0, 0, 0, 0, 0, 0, 0, 0, 0), **bad})


def test_it_carries_the_loinc_codes_from_clinical_md():
    assert PHQ9.loinc["total"] == "44261-6"
    assert [i.loinc for i in PHQ9.items][:8] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
    ]  # fmt: skip
    assert PHQ9.loinc["answers"] == {
        "0": "LA6568-5", "1": "LA6569-3", "2": "LA6570-1", "3": "LA6571-9",
    }  # fmt: skip
    # Marked ~ in CLINICAL.md (public FHIR Questionnaires agree): the panel, item 9 and the
    # unscored item 10 (difficulty), which the FHIR Questionnaire codes too.
    assert PHQ9.loinc["panel"] == "44249-1" and PHQ9.items[8].loinc == "44260-8"
    assert [i.loinc for i in PHQ9.unscored_items] == ["69722-7"]


def test_the_result_reports_the_definition_version():
    result = score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert (result.instrument, result.version) == ("PHQ-9", PHQ9.version)
    assert result.to_dict()["total"] == 0
