"""Engine rules no shipped instrument exercises: reverse items, prorating, scale risk rules."""

import copy

import pytest

from tessera.instruments.scoring import parse_definition, score

TEXT = {"en": None, "sv": None}


def toy(**changes):
    """A 4-item toy instrument, items 0-4, bands 0-7 / 8-16; changes override the fields."""
    data = {
        "schema_version": 1,
        "code": "TOY-4",
        "name": "Toy instrument for tests",
        "version": "0.1",
        "languages": ["en", "sv"],
        "citation": "None: made up for the test suite.",
        "licence": {"text": "test", "wording_may_be_shipped": False, "source": "test"},
        "wording": {"must_be_entered_by_clinic": True, "note": "test"},
        "source_notes": ["test"],
        "item_count": 4,
        "recall_period": TEXT,
        "instructions": TEXT,
        "response_options": [{"value": v, "label": TEXT} for v in range(5)],
        "items": [{"number": n, "text": TEXT} for n in range(1, 5)],
        "scoring": {"method": "sum", "source": "test"},
        "missing": {"rule": "refuse", "source": "test"},
        "bands": {
            "ranges": [
                {"code": "low", "min": 0, "max": 7, "label": TEXT},
                {"code": "high", "min": 8, "max": 16, "label": TEXT},
            ],
            "source": "test",
        },
    }
    data.update(copy.deepcopy(changes))
    return parse_definition(data, source="toy.json")


def test_it_reverses_reverse_scored_items():
    definition = toy(scoring={"method": "sum", "reverse_items": [2, 4], "source": "test"})
    # Items 2 and 4 score 4 - answer: 0 + (4-0) + 3 + (4-1) = 10
    assert score(definition, {1: 0, 2: 0, 3: 3, 4: 1}).total == 10
    assert score(definition, {1: 0, 2: 4, 3: 0, 4: 4}).total == 0


def test_it_prorates_within_the_authors_limit_and_rounds_half_up():
    prorate = {"rule": "prorate", "max_missing": 1, "rounding": "nearest_integer", "source": "t"}
    definition = toy(missing=prorate)
    result = score(definition, {1: 1, 2: 2, 3: 3})  # 6 * 4 / 3 = 8
    assert (result.total, result.missing_handling, result.band.code) == (8, ("prorated",), "high")
    assert score(definition, {1: 1, 2: 1, 3: 1}).total == 4  # 3 * 4 / 3
    assert score(definition, {1: 2, 2: 1, 3: 0}).total == 4  # 3 * 4 / 3 = 4.0
    assert score(definition, {1: 3, 2: 2, 3: 0}).total == 7  # 5 * 4 / 3 = 6.67 -> 7
    assert score(definition, {1: 1, 2: 1}).total is None  # two missing: refused


def test_unrounded_prorated_scores_fall_in_the_band_of_their_lower_bound():
    definition = toy(missing={"rule": "prorate", "max_missing": 1, "source": "t"})
    result = score(definition, {1: 2, 2: 2, 3: 1})  # 5 * 4 / 3 = 6.67
    assert result.total == 6.67
    assert result.band.code == "low"
    result = score(definition, {1: 2, 2: 2, 3: 2})  # 6 * 4 / 3 = 8.0
    assert (result.total, result.band.code) == (8.0, "high")


def test_items_marked_never_prorate_must_be_answered():
    definition = toy(
        missing={"rule": "prorate", "max_missing": 1, "never_prorate": [4], "source": "t"}
    )
    result = score(definition, {1: 1, 2: 1, 3: 1})
    assert result.total is None
    assert "never prorated" in result.notes[0]


def test_a_risk_rule_can_watch_the_total():
    rule = {
        "code": "toy_total",
        "scale": "total",
        "at_least": 12,
        "severity": "urgent",
        "label": TEXT,
        "source": "test",
    }
    definition = toy(risk_rules=[rule])
    assert score(definition, {1: 3, 2: 3, 3: 3, 4: 2}).risk_flags == ()
    flag = score(definition, {1: 3, 2: 3, 3: 3, 4: 3}).risk_flags[0]
    assert (flag.code, flag.scale, flag.value) == ("toy_total", "total", 12)


def test_a_multiplier_applies_after_summing():
    definition = toy(
        scoring={"method": "sum", "multiplier": 3, "source": "t"},
        bands={
            "ranges": [{"code": "all", "min": 0, "max": 48, "label": TEXT}],
            "source": "test",
        },
    )
    result = score(definition, {1: 1, 2: 1, 3: 1, 4: 2})
    assert (result.total, result.max_total) == (15, 48)


@pytest.mark.parametrize("answers", [{}, {1: 0}])
def test_an_empty_or_near_empty_response_is_refused_not_zero(answers):
    assert score(toy(), answers).total is None
