"""Typed, immutable view of an instrument definition (see README.md for the JSON format)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# Text in each of the definition's languages; None means the translation is missing.
LocalText = Mapping[str, str | None]


@dataclass(frozen=True)
class ResponseOption:
    value: int
    label: LocalText


@dataclass(frozen=True)
class Item:
    number: int
    text: LocalText
    options: tuple[ResponseOption, ...]
    topic: LocalText | None = None
    loinc: str | None = None
    dimension: str | None = None  # LSAS-SR: "fear" or "avoidance"
    situation: int | None = None  # LSAS-SR: which of the 24 situations

    # Worked out once per item: batch scoring asks for these on every row (bench/).
    @cached_property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @cached_property
    def min_value(self) -> int:
        return min(self.values)

    @cached_property
    def max_value(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    max: int
    label: LocalText


@dataclass(frozen=True)
class BandSet:
    ranges: tuple[Band, ...]
    source: str


@dataclass(frozen=True)
class Subscale:
    code: str
    name: LocalText
    items: tuple[int, ...]
    multiplier: int
    bands: BandSet | None


@dataclass(frozen=True)
class RiskRule:
    """Flag when the answer to `item` (or the score of `scale`) is at least `at_least`.

    `severity` is the rule's own ("moderate", "high" or "urgent");
    `acknowledge_within_hours`, when set, is the longest staff may take to acknowledge
    the alert (the clinic's window for the severity applies when it is shorter)."""

    code: str
    at_least: int
    severity: str
    label: LocalText
    source: str
    item: int | None = None
    scale: str | None = None
    acknowledge_within_hours: int | None = None


@dataclass(frozen=True)
class CasenessRule:
    code: str
    scale: str  # "total" or a subscale code
    at_least: float  # an integer for summed scores; may be fractional for a mean score
    label: LocalText
    source: str


@dataclass(frozen=True)
class Cluster:
    code: str
    items: tuple[int, ...]
    min_count: int


@dataclass(frozen=True)
class CriterionRule:
    """A symptom-count rule, e.g. the PCL-5 provisional DSM-5 diagnosis."""

    code: str
    label: LocalText
    item_at_least: int
    clusters: tuple[Cluster, ...]
    source: str


@dataclass(frozen=True)
class SkipRule:
    """When the listed items sum to at most `when_sum_at_most`, the `then_items` may be
    left unanswered and are scored as `score_as` (the form tells people to skip them)."""

    when_items: tuple[int, ...]
    when_sum_at_most: int
    then_items: tuple[int, ...]
    score_as: int
    source: str


@dataclass(frozen=True)
class OptionalItem:
    """An item that may be left out; the total is then over the remaining items."""

    item: int
    note: str
    source: str


@dataclass(frozen=True)
class MissingRule:
    rule: str  # "refuse" or "prorate"
    source: str
    max_missing: int = 0
    never_prorate: tuple[int, ...] = ()
    rounding: str = "none"  # "none" or "nearest_integer"
    skip_rules: tuple[SkipRule, ...] = ()
    optional_items: tuple[OptionalItem, ...] = ()


@dataclass(frozen=True)
class ReliableChangeParams:
    source: str
    sd: float | None = None
    reliability: float | None = None
    threshold_points: float | None = None


@dataclass(frozen=True)
class Licence:
    text: str
    wording_may_be_shipped: bool
    source: str


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    version: str
    languages: tuple[str, ...]
    citation: str
    licence: Licence
    wording_must_be_entered_by_clinic: bool
    wording_note: str
    item_count: int
    recall_period: LocalText
    instructions: LocalText
    items: tuple[Item, ...]
    unscored_items: tuple[Item, ...]
    multiplier: int
    reverse_items: tuple[int, ...]
    subscales: tuple[Subscale, ...]
    scoring_source: str
    missing: MissingRule
    bands: BandSet | None
    risk_rules: tuple[RiskRule, ...]
    caseness: tuple[CasenessRule, ...]
    criteria: tuple[CriterionRule, ...]
    loinc: Mapping[str, Any] | None
    reliable_change: ReliableChangeParams | None
    source_notes: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    additional_citations: tuple[str, ...] = ()
    response_options: tuple[ResponseOption, ...] = ()  # the default set, if the file gives one
    method: str = "sum"  # "sum", or "mean" (the mean item score, e.g. Mobility Inventory)
    total_items: tuple[int, ...] = ()  # the items the total is made of; empty means all
    reliable_change_note: str | None = None  # why there is no reliable_change, or how it was got
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _by_number(self) -> dict[int, Item]:
        found: dict[int, Item] = {}
        for item in self.items + self.unscored_items:
            found.setdefault(item.number, item)
        return found

    def item(self, number: int) -> Item:
        try:
            return self._by_number[number]
        except KeyError:
            raise KeyError(number) from None

    def subscale(self, code: str) -> Subscale:
        for subscale in self.subscales:
            if subscale.code == code:
                return subscale
        raise KeyError(code)

    @cached_property
    def item_numbers(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items)

    @cached_property
    def total_item_numbers(self) -> tuple[int, ...]:
        """The items summed (or averaged) into the total: all scored items unless the
        definition names some (the NEQ's total counts the effects, not their impact)."""
        return self.total_items or self.item_numbers

    @cached_property
    def _ranges(self) -> dict[tuple[int, ...], tuple[int, int]]:
        return {}

    def item_score(self, number: int, value: int) -> int:
        """The points an answer earns, after reversing where the definition says so."""
        if number in self.reverse_items:
            item = self.item(number)
            return item.min_value + item.max_value - value
        return value

    def points_range(self, numbers: tuple[int, ...] | list[int]) -> tuple[int, int]:
        """Lowest and highest raw sum (before any multiplier) over the given items."""
        key = tuple(numbers)
        found = self._ranges.get(key)
        if found is None:
            items = [self.item(n) for n in key]
            found = self._ranges[key] = (
                sum(i.min_value for i in items),
                sum(i.max_value for i in items),
            )
        return found

    def score_range(
        self, numbers: tuple[int, ...] | list[int], multiplier: int = 1
    ) -> tuple[float, float]:
        """Lowest and highest score over the given items, as the scoring method gives it:
        the sum times the multiplier, or for "mean" the mean item score."""
        low, high = self.points_range(numbers)
        if self.method == "mean" and numbers:
            return whole_number(low / len(numbers)), whole_number(high / len(numbers))
        return low * multiplier, high * multiplier

    @property
    def min_total(self) -> float:
        return self.score_range(self.total_item_numbers, self.multiplier)[0]

    @property
    def max_total(self) -> float:
        return self.score_range(self.total_item_numbers, self.multiplier)[1]


def whole_number(value: float) -> float:
    """5.0 -> 5, so that whole bounds print and compare as the integers they are."""
    return int(value) if float(value).is_integer() else value
