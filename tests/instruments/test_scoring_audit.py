"""AUDIT and AUDIT-C: WHO zones, 0/2/4 scoring of questions 9-10, the form's skip rules."""

import pytest

from tessera.instruments.scoring import InvalidAnswersError, load_definition, score

AUDIT = load_definition("AUDIT")
AUDITC = load_definition("AUDIT-C")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    low = score(AUDIT, answers(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    high = score(AUDIT, answers(4, 4, 4, 4, 4, 4, 4, 4, 4, 4))
    assert (low.total, low.band.code) == (0, "zone_1")
    assert (high.total, high.band.code) == (40, "zone_4")


@pytest.mark.parametrize(
    ("values", "total", "zone"),
    [
        ((4, 3, 0, 0, 0, 0, 0, 0, 0, 0), 7, "zone_1"),
        ((4, 4, 0, 0, 0, 0, 0, 0, 0, 0), 8, "zone_2"),
        ((4, 4, 4, 3, 0, 0, 0, 0, 0, 0), 15, "zone_2"),
        ((4, 4, 4, 0, 0, 0, 0, 0, 4, 0), 16, "zone_3"),
        ((4, 4, 4, 3, 0, 0, 0, 0, 4, 0), 19, "zone_3"),
        ((4, 4, 4, 0, 0, 0, 0, 0, 4, 4), 20, "zone_4"),
    ],
)
def test_it_puts_each_zone_edge_in_the_right_zone(values, total, zone):
    result = score(AUDIT, answers(*values))
    assert (result.total, result.band.code) == (total, zone)


def test_questions_9_and_10_score_0_2_or_4():
    assert score(AUDIT, answers(1, 0, 0, 0, 0, 0, 0, 0, 2, 4)).total == 7
    for bad in (1, 3):
        with pytest.raises(InvalidAnswersError):
            score(AUDIT, answers(1, 0, 0, 0, 0, 0, 0, 0, bad, 0))


def test_caseness_starts_at_8():
    assert score(AUDIT, answers(4, 3, 0, 0, 0, 0, 0, 0, 0, 0)).caseness == {
        "audit_at_least_8": False
    }
    assert score(AUDIT, answers(4, 4, 0, 0, 0, 0, 0, 0, 0, 0)).caseness == {
        "audit_at_least_8": True
    }


def test_never_drinking_skips_questions_2_to_8():
    result = score(AUDIT, {1: 0, 9: 2, 10: 0})
    assert result.total == 2
    assert result.imputed == dict.fromkeys(range(2, 9), 0)
    assert result.missing_handling == ("skip_rule",)


def test_no_drinks_on_questions_2_and_3_skips_questions_4_to_8():
    result = score(AUDIT, {1: 1, 2: 0, 3: 0, 9: 0, 10: 4})
    assert result.total == 5
    assert sorted(result.imputed) == [4, 5, 6, 7, 8]


def test_a_gap_the_form_does_not_allow_is_refused():
    assert score(AUDIT, {1: 0, 9: 0}).total is None  # question 10 is never skipped
    assert score(AUDIT, {1: 1, 3: 0, 9: 0, 10: 0}).total is None  # question 2 missing


def test_audit_c_scores_its_range_and_both_cut_offs():
    assert score(AUDITC, answers(0, 0, 0)).total == 0
    assert score(AUDITC, answers(4, 4, 4)).total == 12
    two, three, four = (
        score(AUDITC, answers(*v)).caseness for v in [(1, 1, 0), (2, 1, 0), (2, 1, 1)]
    )
    assert two == {"auditc_men": False, "auditc_women": False}
    assert three == {"auditc_men": False, "auditc_women": True}
    assert four == {"auditc_men": True, "auditc_women": True}


def test_audit_c_uses_the_first_three_audit_questions_word_for_word():
    for n in (1, 2, 3):
        assert AUDITC.item(n).text == AUDIT.item(n).text
        assert AUDITC.item(n).options == AUDIT.item(n).options


def test_audit_c_skips_after_never():
    result = score(AUDITC, {1: 0})
    assert (result.total, sorted(result.imputed)) == (0, [2, 3])
