"""Scoring methods beyond a plain sum: mean item scores, totals over some items only,
fractional cut-offs, and the reliable-change checks."""

import copy

import pytest

from tessera.instruments.scoring import DefinitionError, parse_definition, score
from tessera.instruments.scoring.change import reliable_change_for

TEXT = {"en": None, "sv": None}
ONE_TO_FIVE = [{"value": v, "label": TEXT} for v in range(1, 6)]


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


def mean_toy(**changes):
    """Four items scored 1-5, the total being the mean item score (as the Mobility
    Inventory is scored), no bands, a caseness cut-off of 2.3."""
    fields = {
        "response_options": ONE_TO_FIVE,
        "scoring": {"method": "mean", "source": "test"},
        "bands": None,
        "caseness": [{"code": "c", "at_least": 2.3, "label": TEXT, "source": "test"}],
    }
    fields.update(changes)
    return toy(**fields)


def test_a_mean_score_is_the_mean_item_score_rounded_to_two_places():
    definition = mean_toy()
    assert (definition.min_total, definition.max_total) == (1, 5)
    assert score(definition, {1: 1, 2: 1, 3: 1, 4: 1}).total == 1
    assert score(definition, {1: 1, 2: 2, 3: 2, 4: 2}).total == 1.75  # 7 / 4
    assert score(definition, {1: 5, 2: 5, 3: 5, 4: 5}).total == 5


def test_a_fractional_cut_off_applies_to_a_mean_score():
    definition = mean_toy()
    assert score(definition, {1: 2, 2: 2, 3: 2, 4: 3}).caseness == {"c": False}  # 2.25
    assert score(definition, {1: 2, 2: 2, 3: 3, 4: 3}).caseness == {"c": True}  # 2.5


def test_a_mean_over_the_answered_items_when_the_rule_allows_gaps():
    definition = mean_toy(missing={"rule": "prorate", "max_missing": 1, "source": "test"})
    result = score(definition, {1: 2, 2: 3, 3: 3})  # 8 / 3 = 2.666...
    assert (result.total, result.missing_handling) == (2.67, ("prorated",))
    assert score(definition, {1: 2, 2: 3}).total is None  # two missing: refused


def test_a_mean_score_takes_no_multiplier():
    with pytest.raises(DefinitionError, match="mean score takes no multiplier"):
        mean_toy(scoring={"method": "mean", "multiplier": 2, "source": "test"})


def test_the_total_can_be_made_of_some_items_and_a_subscale_of_others():
    """As the NEQ: the total counts what happened (items 1-2, 0/1), a subscale sums the
    impact ratings (items 3-4, 0-4)."""
    yes_no = [{"value": v, "label": TEXT} for v in (0, 1)]
    items = [
        {"number": 1, "text": TEXT, "response_options": yes_no},
        {"number": 2, "text": TEXT, "response_options": yes_no},
        {"number": 3, "text": TEXT},
        {"number": 4, "text": TEXT},
    ]
    scoring = {
        "method": "sum",
        "total_items": [1, 2],
        "subscales": [{"code": "impact", "name": TEXT, "items": [3, 4]}],
        "source": "test",
    }
    definition = toy(items=items, scoring=scoring, bands=None)
    assert (definition.min_total, definition.max_total) == (0, 2)
    result = score(definition, {1: 1, 2: 0, 3: 3, 4: 0})
    assert (result.total, result.subscales["impact"].score) == (1, 3)
    assert (result.min_total, result.max_total) == (0, 2)


def test_total_items_must_name_items_of_the_instrument():
    with pytest.raises(DefinitionError, match=r"total_items: refers to unknown item"):
        toy(scoring={"method": "sum", "total_items": [1, 9], "source": "test"})


def test_a_reliable_change_threshold_must_fit_the_scale():
    for points in (0, 17):
        with pytest.raises(DefinitionError, match="at most the score range"):
            toy(reliable_change={"threshold_points": points, "source": "test"})
    definition = mean_toy(reliable_change={"threshold_points": 0.73, "source": "test"})
    assert reliable_change_for(definition, 3.0, 2.25).direction == "improved"
    assert reliable_change_for(definition, 3.0, 2.5).direction == "no_reliable_change"


def test_no_reliable_change_is_said_in_a_note():
    definition = toy(reliable_change=None, reliable_change_note="None published.")
    assert definition.reliable_change is None
    assert definition.reliable_change_note == "None published."
    assert reliable_change_for(definition, 10, 2) is None
    with pytest.raises(DefinitionError, match="reliable_change_note: must be a non-empty"):
        toy(reliable_change_note="  ")
