"""Reliable change (Jacobson & Truax 1991), cut-off c, percentage change, Swedish 40 %/30 %."""

import math

import pytest

from tessera.instruments.scoring import (
    SUBSTANTIAL_IMPROVEMENT_PERCENT,
    clinical_cutoff_c,
    clinically_significant_change,
    load_definition,
    percent_change,
    reliable_change_for,
    reliable_change_index,
    s_diff,
    substantially_improved,
)


def test_s_diff_by_hand():
    # 5 * sqrt(2) * sqrt(1 - 0.84) = 5 * 1.41421 * 0.4 = 2.82843
    assert s_diff(5, 0.84) == pytest.approx(2.82843, abs=1e-5)


def test_a_fall_of_8_is_reliable_with_sd_5_and_r_084():
    change = reliable_change_index(20, 12, sd=5, reliability=0.84)
    assert change.rci == pytest.approx(-2.82843, abs=1e-5)  # -8 / 2.82843
    assert (change.reliable, change.direction, change.difference) == (True, "improved", -8)


def test_a_fall_of_5_is_not_reliable_with_the_same_parameters():
    change = reliable_change_index(20, 15, sd=5, reliability=0.84)
    assert change.rci == pytest.approx(-1.76777, abs=1e-5)  # -5 / 2.82843
    assert (change.reliable, change.direction) == (False, "no_reliable_change")


def test_a_rise_is_reliable_deterioration():
    change = reliable_change_index(10, 18, sd=5, reliability=0.84)
    assert (change.reliable, change.direction) == (True, "deteriorated")


def test_the_critical_value_is_strictly_above_196():
    # sd 1 and r 0.5 give S_diff = sqrt(2) * sqrt(0.5) = 1
    assert math.isclose(s_diff(1, 0.5), 1.0)
    assert reliable_change_index(0, 1.96, sd=1, reliability=0.5).reliable is False
    assert reliable_change_index(0, 1.97, sd=1, reliability=0.5).reliable is True


def test_direction_follows_the_scale_when_higher_is_better():
    change = reliable_change_index(10, 18, sd=5, reliability=0.84, higher_is_worse=False)
    assert change.direction == "improved"


@pytest.mark.parametrize(("sd", "r"), [(0, 0.8), (-1, 0.8), (5, 1.0), (5, -0.1)])
def test_impossible_parameters_are_refused(sd, r):
    with pytest.raises(ValueError):
        s_diff(sd, r)


def test_cut_off_c_by_hand():
    # (8 * 10 + 6 * 30) / (8 + 6) = 260 / 14 = 18.5714
    assert clinical_cutoff_c(30, 8, 10, 6) == pytest.approx(18.5714, abs=1e-4)


def test_clinically_significant_change_needs_reliable_change_and_crossing_c():
    c = clinical_cutoff_c(30, 8, 10, 6)
    crossed = reliable_change_index(30, 12, sd=5, reliability=0.84)
    not_crossed = reliable_change_index(30, 20, sd=5, reliability=0.84)
    too_small = reliable_change_index(20, 17, sd=5, reliability=0.84)
    assert clinically_significant_change(crossed, c) is True
    assert clinically_significant_change(not_crossed, c) is False  # reliable, still above c
    assert clinically_significant_change(too_small, c) is False  # crosses c, not reliable


def test_percent_change_by_hand():
    assert percent_change(20, 12) == pytest.approx(-40.0)
    assert percent_change(10, 15) == pytest.approx(50.0)
    assert percent_change(0, 5) is None


def test_swedish_substantial_improvement_thresholds():
    assert SUBSTANTIAL_IMPROVEMENT_PERCENT["depression"] == 40
    assert SUBSTANTIAL_IMPROVEMENT_PERCENT["social_anxiety"] == 30
    assert substantially_improved(20, 12, threshold_percent=40) is True  # exactly 40 %
    assert substantially_improved(20, 13, threshold_percent=40) is False  # 35 %
    assert substantially_improved(10, 7, threshold_percent=30) is True  # exactly 30 %
    assert substantially_improved(10, 8, threshold_percent=30) is False  # 20 %
    assert substantially_improved(0, 0, threshold_percent=30) is None


def test_definitions_give_points_thresholds_for_phq9_and_gad7():
    phq9, gad7 = load_definition("PHQ-9"), load_definition("GAD-7")
    assert reliable_change_for(phq9, 15, 9).direction == "improved"  # fall of 6
    assert reliable_change_for(phq9, 15, 10).reliable is False  # fall of 5
    assert reliable_change_for(gad7, 8, 12).direction == "deteriorated"  # rise of 4
    assert reliable_change_for(load_definition("PCL-5"), 50, 20) is None  # no published values
