"""The instruments added for issue 12 (SPIN, MI, SHAI, IES-R, CORE-10, NEQ-20, WHODAS-12,
PSWQ), hand-scored, and the reliable-change decision every shipped definition makes."""

import pytest

from tessera.instruments.scoring import load_all, load_definition, load_definition_file, score
from tessera.instruments.scoring.change import reliable_change_for
from tessera.instruments.scoring.definitions import DEFINITIONS_DIR

NEW = {
    "SPIN": "spin.json",
    "MI": "mi.json",
    "SHAI": "shai.json",
    "IES-R": "iesr.json",
    "CORE-10": "core10.json",
    "NEQ-20": "neq20.json",
    "WHODAS-12": "whodas12.json",
    "PSWQ": "pswq.json",
}


def answers(*values, start=1):
    return {start + i: v for i, v in enumerate(values)}


def same(value, count, start=1):
    return {n: value for n in range(start, start + count)}


@pytest.mark.parametrize(("code", "file_name"), sorted(NEW.items()))
def test_each_new_definition_loads_validates_and_ships_no_wording(code, file_name):
    definition = load_definition_file(DEFINITIONS_DIR / file_name)
    assert definition.code == code
    assert load_definition(code).version == definition.version
    assert definition.licence.wording_may_be_shipped is False
    assert definition.wording_must_be_entered_by_clinic
    texts = [definition.instructions] + [i.text for i in definition.items]
    texts += [o.label for i in definition.items + definition.unscored_items for o in i.options]
    assert all(v is None for text in texts for v in text.values())
    assert definition.citation and definition.licence.source and definition.source_notes


@pytest.mark.parametrize("code", sorted(load_all()))
def test_every_instrument_has_a_reliable_change_rule_or_says_why_not(code):
    definition = load_definition(code)
    params = definition.reliable_change
    if params is None:
        assert definition.reliable_change_note and definition.reliable_change_note.startswith(
            "None"
        )
    else:
        assert params.source
        assert params.threshold_points is not None or params.sd is not None


def test_shai_is_the_one_short_health_anxiety_inventory():
    """'Short HAI' and 'SHAI' are the same 18-item scale; one definition serves both."""
    shai = load_definition("SHAI")
    assert (shai.item_count, shai.min_total, shai.max_total) == (18, 0, 54)
    assert "64-item" in " ".join(shai.source_notes)
    assert not shai.response_options  # every item has its own four statements
    assert all(len(item.options) == 4 for item in shai.items)


# SPIN: 17 items 0-4, caseness 19, reliable change 10 points


def test_spin_range_caseness_and_subscales():
    spin = load_definition("SPIN")
    assert score(spin, same(0, 17)).total == 0
    assert score(spin, same(4, 17)).total == 68
    eighteen = {**same(1, 17), 1: 2}
    assert score(spin, eighteen).total == 18
    assert score(spin, eighteen).caseness == {"spin_at_least_19": False}
    assert score(spin, {**eighteen, 2: 2}).caseness == {"spin_at_least_19": True}
    subscales = score(spin, same(1, 17)).subscales
    assert {code: s.score for code, s in subscales.items()} == {
        "fear": 6,
        "avoidance": 7,
        "physiological": 4,
    }


def test_spin_reliable_change_is_ten_points():
    spin = load_definition("SPIN")
    assert reliable_change_for(spin, 40, 30).direction == "improved"
    assert reliable_change_for(spin, 40, 31).direction == "no_reliable_change"
    assert reliable_change_for(spin, 30, 40).direction == "deteriorated"


# Mobility Inventory (alone): mean item score 1-5, caseness above 2.3, up to 5 skipped


def test_mobility_inventory_is_the_mean_item_score():
    mi = load_definition("MI")
    assert score(mi, same(1, 26)).total == 1
    assert score(mi, same(5, 26)).total == 5
    # 13 situations at 2 and 13 at 3: 65 / 26 = 2.5
    assert score(mi, {**same(2, 13), **same(3, 13, start=14)}).total == 2.5


def test_mobility_inventory_caseness_at_its_boundary():
    mi = load_definition("MI")
    below = {**same(2, 26), **same(3, 7)}  # 52 + 7 = 59 -> 59 / 26 = 2.27
    above = {**same(2, 26), **same(3, 8)}  # 60 / 26 = 2.31
    assert score(mi, below).total == 2.27
    assert score(mi, below).caseness == {"mi_alone_talking_therapies": False}
    assert score(mi, above).total == 2.31
    assert score(mi, above).caseness == {"mi_alone_talking_therapies": True}


def test_mobility_inventory_averages_over_rated_situations_up_to_five_skipped():
    mi = load_definition("MI")
    rated = {n: (4 if n <= 7 else 2) for n in range(1, 22)}  # 21 rated: (28 + 28) / 21
    result = score(mi, rated)
    assert (result.total, result.missing_handling) == (2.67, ("prorated",))
    del rated[21]  # six skipped: invalid
    assert score(mi, rated).total is None


def test_mobility_inventory_reliable_change_is_in_mean_points():
    mi = load_definition("MI")
    assert reliable_change_for(mi, 3.0, 2.27).direction == "improved"
    assert reliable_change_for(mi, 3.0, 2.31).direction == "no_reliable_change"


# SHAI: 18 items 0-3, caseness 18 (NHS Talking Therapies), reliable change 4


def test_shai_total_subscales_and_caseness():
    shai = load_definition("SHAI")
    seventeen = {**same(1, 17), 18: 0}
    result = score(shai, seventeen)
    assert (result.total, result.caseness) == (17, {"shai_talking_therapies": False})
    result = score(shai, {**seventeen, 18: 1})
    assert (result.total, result.caseness) == (18, {"shai_talking_therapies": True})
    assert result.subscales["health_anxiety"].score == 14
    assert result.subscales["negative_consequences"].score == 4
    assert reliable_change_for(shai, 30, 26).direction == "improved"
    assert reliable_change_for(shai, 30, 27).direction == "no_reliable_change"


# IES-R: 22 items 0-4, caseness 33, reliable change 9


def test_iesr_total_subscales_and_caseness():
    iesr = load_definition("IES-R")
    thirty_two = {**same(1, 22), 1: 4, 2: 4, 3: 4, 4: 2}
    result = score(iesr, thirty_two)
    assert (result.total, result.caseness) == (32, {"iesr_at_least_33": False})
    assert score(iesr, {**thirty_two, 5: 2}).caseness == {"iesr_at_least_33": True}
    subs = score(iesr, same(2, 22)).subscales
    assert {c: s.score for c, s in subs.items()} == {
        "intrusion": 16,
        "avoidance": 16,
        "hyperarousal": 12,
    }
    assert score(iesr, same(4, 22)).total == 88
    assert reliable_change_for(iesr, 50, 41).direction == "improved"
    assert reliable_change_for(iesr, 50, 42).direction == "no_reliable_change"


# CORE-10: items 2 and 3 reversed, bands, risk item 6, caseness 11


def test_core10_reverses_items_2_and_3():
    core = load_definition("CORE-10")
    assert score(core, same(0, 10)).total == 8  # items 2 and 3 answered 0 score 4 each
    assert score(core, {**same(0, 10), 2: 4, 3: 4}).total == 0
    assert score(core, {**same(4, 10), 2: 0, 3: 0}).total == 40
    assert score(core, same(4, 10)).total == 32


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "healthy_or_low"),
        (10, "healthy_or_low"),
        (11, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (19, "moderate"),
        (20, "moderate_to_severe"),
        (24, "moderate_to_severe"),
        (25, "severe"),
        (40, "severe"),
    ],
)
def test_core10_bands_at_their_boundaries(total, band):
    core = load_definition("CORE-10")
    # Items 2 and 3 at 4 score 0; spread the total over the other eight items (0-4 each).
    others = [1, 4, 5, 6, 7, 8, 9, 10]
    if total > 32:  # only reachable with items 2 and 3 counting
        given = {**same(4, 10), 2: 4 - (total - 32) // 2, 3: 4 - (total - 32 + 1) // 2}
    else:
        given = {2: 4, 3: 4}
        left = total
        for n in others:
            given[n] = min(4, left)
            left -= given[n]
    result = score(core, given)
    assert (result.total, result.band.code) == (total, band)
    assert result.caseness == {"core10_at_least_11": total >= 11}


def test_core10_reliable_change_is_computed_from_the_cited_sd_and_alpha():
    """1.96 x 7.7 x sqrt(2) x sqrt(1 - .90) = 6.75: a change of 7 is reliable, 6 is not."""
    core = load_definition("CORE-10")
    assert (core.reliable_change.sd, core.reliable_change.reliability) == (7.7, 0.9)
    assert reliable_change_for(core, 20, 13).direction == "improved"
    assert reliable_change_for(core, 20, 14).direction == "no_reliable_change"
    assert reliable_change_for(core, 13, 20).direction == "deteriorated"


def test_core10_item6_raises_a_risk_flag():
    core = load_definition("CORE-10")
    assert score(core, same(0, 10)).risk_flags == ()
    flags = score(core, {**same(0, 10), 6: 1}).risk_flags
    assert [(f.code, f.severity) for f in flags] == [("core10_item6", "urgent")]  # a plan


# NEQ-20: total = number of effects endorsed; impact = sum of ratings 0-4


def test_neq_counts_effects_and_sums_their_impact():
    neq = load_definition("NEQ-20")
    happened = {**same(0, 20), 1: 1, 5: 1, 12: 1}
    impact = {21: 3, 25: 0, 32: 4}  # impact asked only for effects 1, 5 and 12
    result = score(neq, {**happened, **impact})
    assert result.total == 3
    assert result.subscales["impact"].score == 7
    assert set(result.imputed) == set(range(21, 41)) - {21, 25, 32}
    assert set(result.imputed.values()) == {0}
    assert result.band is None


def test_neq_none_endorsed_scores_zero_without_impact_answers():
    neq = load_definition("NEQ-20")
    result = score(neq, same(0, 20))
    assert (result.total, result.subscales["impact"].score) == (0, 0)


def test_neq_an_endorsed_effect_without_its_impact_is_refused():
    neq = load_definition("NEQ-20")
    result = score(neq, {**same(0, 20), 3: 1})
    assert result.total is None
    assert result.missing_handling == ("skip_rule", "refused")


def test_neq_cause_is_asked_but_not_scored():
    neq = load_definition("NEQ-20")
    assert [i.number for i in neq.unscored_items] == list(range(41, 61))
    result = score(neq, {**same(0, 20), 1: 1, 21: 2, 41: 1})
    assert (result.total, result.subscales["impact"].score) == (1, 2)


# WHODAS 2.0 12-item: WHO simple scoring, items 1-5, total 12-60


def test_whodas_simple_score():
    whodas = load_definition("WHODAS-12")
    assert score(whodas, same(1, 12)).total == 12
    assert score(whodas, same(5, 12)).total == 60
    assert score(whodas, answers(1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2)).total == 33
    assert score(whodas, same(1, 11)).total is None


# PSWQ: items 1-5, items 1, 3, 8, 10, 11 reversed, total 16-80


def test_pswq_reverses_items_1_3_8_10_and_11():
    pswq = load_definition("PSWQ")
    assert pswq.reverse_items == (1, 3, 8, 10, 11)
    assert score(pswq, same(1, 16)).total == 36  # five reversed items score 5
    assert score(pswq, same(5, 16)).total == 60  # five reversed items score 1
    most_worry = {**same(5, 16), 1: 1, 3: 1, 8: 1, 10: 1, 11: 1}
    assert score(pswq, most_worry).total == 80
    least_worry = {**same(1, 16), 1: 5, 3: 5, 8: 5, 10: 5, 11: 5}
    assert score(pswq, least_worry).total == 16
    # Item 1 answered 2 scores 4; item 2 answered 2 scores 2; the rest at 3 score 3.
    assert score(pswq, {**same(3, 16), 1: 2, 2: 2}).total == 48


# Corrections to existing definitions


def test_pdss_carries_the_talking_therapies_cut_off_and_reliable_change():
    pdss = load_definition("PDSS-SR")
    seven = answers(4, 3, 0, 0, 0, 0, 0)
    assert score(pdss, seven).caseness == {
        "pdsssr_at_least_9": False,
        "pdsssr_talking_therapies": False,
    }
    assert score(pdss, {**seven, 3: 1}).caseness["pdsssr_talking_therapies"] is True
    assert reliable_change_for(pdss, 15, 10).direction == "improved"
    assert reliable_change_for(pdss, 15, 11).direction == "no_reliable_change"


def test_madrss_bands_are_marked_as_practice_and_item9_cites_national_practice():
    madrs = load_definition("MADRS-S")
    assert "not Svanborg & Åsberg 1994" in madrs.bands.source
    rule, top = madrs.risk_rules
    assert (rule.item, rule.at_least, rule.severity) == (9, 4, "high")
    assert (top.item, top.at_least, top.severity) == (9, 6, "urgent")
    assert "SibeR" in rule.source and "not Svanborg & Åsberg 1994" in rule.source


def test_phq9_item9_rule_cites_instructions_and_practice_not_kroenke():
    rule, daily = load_definition("PHQ-9").risk_rules
    assert (rule.item, rule.at_least, rule.severity) == (9, 1, "high")
    assert (daily.item, daily.at_least, daily.severity) == (9, 3, "urgent")
    assert "instructions" in daily.source
    assert "instructions and clinical practice, not from Kroenke 2001" in rule.source


def test_k10_says_which_banding_it_uses():
    k10 = load_definition("K10")
    assert [(b.min, b.max) for b in k10.bands.ranges] == [(10, 19), (20, 24), (25, 29), (30, 50)]
    assert "Australian clinical banding" in k10.bands.source
    assert "not Andrews & Slade 2001" in k10.bands.source


def test_core10_reliable_change_is_worked_from_its_cited_sd_and_reliability():
    from tessera.instruments.scoring.change import s_diff

    rc = load_definition("CORE-10").reliable_change
    assert round(1.96 * s_diff(rc.sd, rc.reliability), 2) == 6.75
