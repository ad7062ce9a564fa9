"""PCL-5: hand-scored cases, cluster scores, the cut-off and the DSM-5 provisional rule."""

import pytest

from tessera.instruments.scoring import load_definition, score

PCL5 = load_definition("PCL-5")


def answers(**rated):
    """All 20 items 0 except those given as i<n>=value."""
    values = dict.fromkeys(range(1, 21), 0)
    values.update({int(k[1:]): v for k, v in rated.items()})
    return values


def test_it_scores_the_minimum_and_maximum():
    low = score(PCL5, answers())
    high = score(PCL5, dict.fromkeys(range(1, 21), 4))
    assert (low.total, high.total) == (0, 80)
    assert {k: s.score for k, s in high.subscales.items()} == {"B": 20, "C": 8, "D": 28, "E": 24}
    assert low.criteria["dsm5_provisional"].met is False
    assert high.criteria["dsm5_provisional"].met is True
    assert low.band is None  # the PCL-5 has no severity bands


def test_it_sums_each_cluster():
    result = score(PCL5, answers(i1=1, i5=2, i6=3, i8=4, i14=1, i15=2, i20=3))
    assert result.total == 16
    assert {k: s.score for k, s in result.subscales.items()} == {"B": 3, "C": 3, "D": 5, "E": 5}


def test_the_provisional_cut_off_is_33():
    thirty_two = answers(i1=4, i2=4, i3=4, i4=4, i5=4, i6=4, i7=4, i8=4)
    thirty_three = {**thirty_two, 9: 1}
    assert score(PCL5, thirty_two).total == 32
    assert score(PCL5, thirty_two).caseness["pcl5_provisional_ptsd"] is False
    assert score(PCL5, thirty_three).caseness["pcl5_provisional_ptsd"] is True


def test_it_meets_the_dsm5_rule_with_1_b_1_c_2_d_and_2_e_at_2_or_more():
    result = score(PCL5, answers(i1=2, i6=2, i8=2, i9=2, i15=2, i16=2))
    criterion = result.criteria["dsm5_provisional"]
    assert criterion.met is True
    assert [(c.code, c.count, c.required) for c in criterion.clusters] == [
        ("B", 1, 1), ("C", 1, 1), ("D", 2, 2), ("E", 2, 2),
    ]  # fmt: skip
    # Only 12 points: the symptom rule and the cut-off are separate questions.
    assert result.total == 12
    assert result.caseness["pcl5_provisional_ptsd"] is False


@pytest.mark.parametrize(
    "short",
    [
        {"i1": 1},  # B rated only 1: does not count as a symptom
        {"i6": 0},  # no C symptom
        {"i9": 1},  # only one D symptom
        {"i16": 0},  # only one E symptom
    ],
)
def test_it_does_not_meet_the_dsm5_rule_when_one_cluster_falls_short(short):
    rated = {"i1": 2, "i6": 2, "i8": 2, "i9": 2, "i15": 2, "i16": 2}
    rated.update(short)
    assert score(PCL5, answers(**rated)).criteria["dsm5_provisional"].met is False


def test_a_missing_item_refuses_the_total_and_leaves_the_rule_undecided():
    values = answers(i1=2)
    del values[20]
    result = score(PCL5, values)
    assert result.total is None
    assert result.criteria["dsm5_provisional"].met is None
