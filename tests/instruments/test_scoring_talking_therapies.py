"""NHS Talking Therapies outcome rules, with hand-worked cases."""

import pytest

from tessera.instruments.scoring import load_definition
from tessera.instruments.scoring.talking_therapies import (
    GAD7,
    PHQ9_CASENESS_AT_LEAST,
    PHQ9_RELIABLE_CHANGE,
    AnxietyMeasure,
    at_caseness,
    finished_treatment,
    outcome,
    summarise,
)


def test_the_constants_agree_with_the_definitions():
    phq9, gad7 = load_definition("PHQ-9"), load_definition("GAD-7")
    assert PHQ9_RELIABLE_CHANGE == phq9.reliable_change.threshold_points == 6
    assert GAD7.reliable_change == gad7.reliable_change.threshold_points == 4
    assert PHQ9_CASENESS_AT_LEAST == 10
    assert GAD7.caseness_at_least == 8


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [(10, 0, True), (9, 7, False), (9, 8, True), (0, 21, True), (27, 21, True)],
)
def test_caseness_is_phq9_10_or_gad7_8(phq9, gad7, expected):
    assert at_caseness(phq9, gad7) is expected


def test_a_problem_specific_measure_replaces_gad7():
    # Illustrative numbers only; real ones come from the manual for the chosen measure.
    measure = AnxietyMeasure("PDSS", caseness_at_least=8, reliable_change=5, source="test")
    assert at_caseness(5, 8, measure) is True
    assert at_caseness(5, 7, measure) is False
    result = outcome(8, 8, 14, 9, measure=measure)  # PDSS falls by 5
    assert result.anxiety_measure == "PDSS"
    assert (result.recovered, result.reliable_improvement) == (False, True)


def test_recovered_and_reliably_improved_on_both():
    result = outcome(15, 8, 12, 6)  # PHQ-9 -7, GAD-7 -6; last scores below both cut-offs
    assert (result.caseness_first, result.caseness_last) == (True, False)
    assert result.recovered is True
    assert result.reliable_improvement is True
    assert result.reliable_deterioration is False
    assert result.reliable_recovery is True


def test_recovered_without_reliable_improvement_is_not_reliable_recovery():
    result = outcome(12, 9, 6, 5)  # crosses below 10 but falls only 3
    assert (result.recovered, result.reliable_improvement, result.reliable_recovery) == (
        True,
        False,
        False,
    )


def test_starting_below_caseness_leaves_recovery_undefined():
    result = outcome(8, 2, 6, 1)  # PHQ-9 -6: reliable improvement still counts
    assert result.caseness_first is False
    assert (result.recovered, result.reliable_recovery) == (None, None)
    assert result.reliable_improvement is True


def test_improvement_on_one_measure_with_deterioration_on_the_other():
    result = outcome(16, 9, 5, 9)  # PHQ-9 -7 (improved), GAD-7 +4 (deteriorated)
    assert result.depression.direction == "improved"
    assert result.anxiety.direction == "deteriorated"
    assert result.reliable_improvement is False
    assert result.reliable_deterioration is True
    assert result.recovered is False  # GAD-7 ends at 9, still at caseness
    stricter = outcome(16, 9, 5, 9, deterioration_excludes_improvement=True)
    assert stricter.reliable_deterioration is False


@pytest.mark.parametrize(
    ("phq9_last", "gad7_last", "improved", "deteriorated"),
    [
        (14, 10, True, False),  # PHQ-9 fall of exactly 6
        (15, 10, False, False),  # fall of 5
        (20, 10, False, False),  # PHQ-9 rise of 0, GAD-7 unchanged
        (20, 6, True, False),  # GAD-7 fall of exactly 4
        (20, 14, False, True),  # GAD-7 rise of exactly 4
        (26, 10, False, True),  # PHQ-9 rise of exactly 6
        (25, 13, False, False),  # rises of 5 and 3
    ],
)
def test_reliable_change_thresholds_are_inclusive(phq9_last, gad7_last, improved, deteriorated):
    result = outcome(20, phq9_last, 10, gad7_last)
    assert (result.reliable_improvement, result.reliable_deterioration) == (improved, deteriorated)


def test_finished_treatment_needs_two_contacts_and_paired_scores():
    assert finished_treatment(2, True) is True
    assert finished_treatment(1, True) is False
    assert finished_treatment(5, False) is False


def test_rates_use_the_published_denominators():
    outcomes = [
        outcome(15, 8, 12, 6),  # recovered, reliable recovery
        outcome(12, 9, 6, 5),  # recovered, not reliably improved
        outcome(18, 17, 12, 12),  # not recovered
        outcome(8, 2, 6, 1),  # below caseness at start; reliably improved
        outcome(16, 9, 5, 9),  # improved on one, deteriorated on the other
    ]
    summary = summarise(outcomes)
    assert (summary.finished, summary.not_at_caseness_at_start) == (5, 1)
    assert (summary.recovered, summary.reliable_recovery) == (2, 1)
    assert summary.recovery_rate == pytest.approx(2 / 4)  # recovered / (5 - 1)
    assert summary.reliable_recovery_rate == pytest.approx(1 / 4)
    assert summary.reliable_improvement_rate == pytest.approx(2 / 5)
    assert summary.reliable_deterioration_rate == pytest.approx(1 / 5)


def test_rates_are_none_without_a_denominator():
    summary = summarise([])
    assert summary.recovery_rate is None
    assert summary.reliable_improvement_rate is None
