"""score(definition, answers): totals, subscales, bands, risk flags, caseness, criteria.

Pure functions over a Definition. The engine knows nothing about clinics: a clinic's
own risk thresholds come in as `risk_overrides`, a dict of rule code -> threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

from .bands import find_band
from .errors import InvalidAnswersError, RiskOverrideError
from .model import BandSet, Definition, RiskRule, whole_number
from .results import (
    BandResult,
    ClusterCount,
    CriterionResult,
    RiskFlag,
    Score,
    ScoreResult,
    SubscaleResult,
)
from .validate import scale_range


def score(
    definition: Definition,
    answers: Mapping[int, int],
    *,
    risk_overrides: Mapping[str, int] | None = None,
) -> ScoreResult:
    """Score one completed (or partly completed) questionnaire.

    `answers` maps item number to the value chosen (the option's value, e.g. 0-3 for
    PHQ-9, 0/2/4 for AUDIT items 9-10). Unknown items or impossible values raise
    InvalidAnswersError. When the missing-answer rule refuses, the result has total None,
    but risk flags are still worked out from the items that were answered.
    """
    _check_answers(definition, answers)
    thresholds = _thresholds(definition, risk_overrides or {})
    filled, imputed = _apply_skip_rules(definition, answers)
    notes: list[str] = []
    handling: list[str] = ["skip_rule"] if imputed else []

    missing = tuple(n for n in definition.item_numbers if n not in answers)
    optional = {o.item for o in definition.missing.optional_items}
    left_out = tuple(n for n in definition.item_numbers if n not in filled and n in optional)
    if left_out:
        handling.append("optional_item_excluded")
        notes.append(f"optional item(s) {_fmt(left_out)} left out of the total")
    unanswered = tuple(n for n in definition.item_numbers if n not in filled and n not in optional)

    counted = tuple(n for n in definition.item_numbers if n not in left_out)
    refusal = _refusal(definition, unanswered)
    if refusal:
        handling.append("refused")
        notes.append(refusal)
    elif unanswered:
        handling.append("prorated")
        notes.append(f"item(s) {_fmt(unanswered)} unanswered; score prorated")

    points = {n: definition.item_score(n, v) for n, v in filled.items() if n in counted}
    in_total = tuple(n for n in definition.total_item_numbers if n in counted)
    low, high = definition.score_range(in_total, definition.multiplier)
    total = None if refusal else _sum(definition, points, in_total, definition.multiplier)
    subscales = _subscales(definition, points, counted, refused=bool(refusal))
    scores: dict[str, Score | None] = {"total": total}
    scores.update({code: s.score for code, s in subscales.items()})

    return ScoreResult(
        instrument=definition.code,
        version=definition.version,
        total=total,
        min_total=low,
        max_total=high,
        band=_band(definition.bands, total),
        subscales=MappingProxyType(subscales),
        risk_flags=_risk_flags(definition, answers, scores, thresholds, risk_overrides or {}),
        caseness=MappingProxyType(_caseness(definition, scores)),
        criteria=MappingProxyType(_criteria(definition, filled)),
        missing_items=missing,
        missing_handling=tuple(handling),
        imputed=MappingProxyType(imputed),
        notes=tuple(notes),
    )


def _fmt(numbers: tuple[int, ...] | list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _check_answers(definition: Definition, answers: Mapping[int, int]) -> None:
    problems = []
    known = {i.number: i for i in definition.items + definition.unscored_items}
    for number, value in answers.items():
        item = known.get(number) if isinstance(number, int) else None
        if item is None:
            problems.append(f"{definition.code} has no item {number!r}")
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"item {number}: answer must be an integer, not {value!r}")
        elif value not in item.values:
            allowed = ", ".join(str(v) for v in sorted(item.values))
            problems.append(f"item {number}: {value} is not one of {allowed}")
    if problems:
        raise InvalidAnswersError(problems)


def _thresholds(definition: Definition, overrides: Mapping[str, int]) -> dict[str, int]:
    rules = {rule.code: rule for rule in definition.risk_rules}
    thresholds = {code: rule.at_least for code, rule in rules.items()}
    for code, value in overrides.items():
        if code not in rules:
            raise RiskOverrideError(f"{definition.code} has no risk rule {code!r}")
        rule = rules[code]
        if rule.item is not None:
            item = definition.item(rule.item)
            span: tuple[int, int] | None = (item.min_value, item.max_value)
        else:
            span = scale_range(definition, rule.scale or "")
        if isinstance(value, bool) or not isinstance(value, int) or span is None:
            raise RiskOverrideError(f"{code}: threshold must be an integer, not {value!r}")
        if not span[0] <= value <= span[1]:
            raise RiskOverrideError(f"{code}: threshold {value} outside {span[0]}-{span[1]}")
        thresholds[code] = value
    return thresholds


def _apply_skip_rules(
    definition: Definition, answers: Mapping[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Fill items a form tells people to skip; answered items always keep their answer."""
    filled = {n: v for n, v in answers.items() if n in definition.item_numbers}
    imputed: dict[int, int] = {}
    for rule in definition.missing.skip_rules:
        if any(n not in answers for n in rule.when_items):
            continue
        if sum(answers[n] for n in rule.when_items) > rule.when_sum_at_most:
            continue
        for n in rule.then_items:
            if n not in filled:
                filled[n] = imputed[n] = rule.score_as
    return filled, imputed


def _refusal(definition: Definition, unanswered: tuple[int, ...]) -> str | None:
    """Why no total can be given, or None if the answers (possibly prorated) suffice."""
    if not unanswered:
        return None
    rule = definition.missing
    if rule.rule == "refuse":
        return (
            f"item(s) {_fmt(unanswered)} unanswered; {definition.code} is not scored "
            f"with missing answers ({rule.source})"
        )
    protected = [n for n in unanswered if n in rule.never_prorate]
    if protected:
        return f"item(s) {_fmt(protected)} must be answered; they are never prorated"
    if len(unanswered) > rule.max_missing:
        return (
            f"{len(unanswered)} item(s) unanswered; at most {rule.max_missing} may be "
            f"prorated ({rule.source})"
        )
    return None


def _sum(
    definition: Definition, points: Mapping[int, int], items: tuple[int, ...], multiplier: int
) -> Score | None:
    """Sum over `items`, prorated over the answered ones when some are unanswered; for a
    "mean" definition, the mean item score over the answered items."""
    answered = [n for n in items if n in points]
    if not answered:
        return None
    raw: Score = sum(points[n] for n in answered)
    if definition.method == "mean":
        return whole_number(round(raw / len(answered), 2))
    if len(answered) < len(items):
        raw = raw * len(items) / len(answered)
    value = raw * multiplier
    if isinstance(value, float):
        if definition.missing.rounding == "nearest_integer":
            return math.floor(value + 0.5)  # half up, as hand-scoring would
        return round(value, 2)
    return value


def _band(bands: BandSet | None, value: Score | None) -> BandResult | None:
    if bands is None or value is None:
        return None
    band = find_band(bands, value)
    return None if band is None else BandResult(band.code, band.label, bands.source)


def _subscales(
    definition: Definition, points: Mapping[int, int], counted: tuple[int, ...], *, refused: bool
) -> dict[str, SubscaleResult]:
    results = {}
    for sub in definition.subscales:
        items = tuple(n for n in sub.items if n in counted)
        low, high = definition.score_range(items, sub.multiplier) if items else (0, 0)
        value = None if refused or not items else _sum(definition, points, items, sub.multiplier)
        results[sub.code] = SubscaleResult(
            code=sub.code,
            score=value,
            min=low,
            max=high,
            band=_band(sub.bands, value),
        )
    return results


def _risk_flags(
    definition: Definition,
    answers: Mapping[int, int],
    scores: Mapping[str, Score | None],
    thresholds: Mapping[str, int],
    overrides: Mapping[str, int],
) -> tuple[RiskFlag, ...]:
    flags = []
    for rule in definition.risk_rules:
        value = _risk_value(rule, answers, scores)
        if value is None or value < thresholds[rule.code]:
            continue
        flags.append(
            RiskFlag(
                code=rule.code,
                value=value,
                threshold=thresholds[rule.code],
                severity=rule.severity,
                label=rule.label,
                source=rule.source,
                item=rule.item,
                scale=rule.scale,
                overridden=rule.code in overrides and overrides[rule.code] != rule.at_least,
                acknowledge_within_hours=rule.acknowledge_within_hours,
            )
        )
    return tuple(flags)


def _risk_value(
    rule: RiskRule, answers: Mapping[int, int], scores: Mapping[str, Score | None]
) -> Score | None:
    if rule.item is not None:
        return answers.get(rule.item)  # the raw answer, as the published rules state it
    return scores.get(rule.scale or "")


def _caseness(definition: Definition, scores: Mapping[str, Score | None]) -> dict[str, bool]:
    found = {}
    for rule in definition.caseness:
        value = scores.get(rule.scale)
        if value is not None:
            found[rule.code] = value >= rule.at_least
    return found


def _criteria(definition: Definition, filled: Mapping[int, int]) -> dict[str, CriterionResult]:
    results = {}
    for rule in definition.criteria:
        needed = [n for c in rule.clusters for n in c.items]
        complete = all(n in filled for n in needed)
        counts = []
        for cluster in rule.clusters:
            count = sum(1 for n in cluster.items if filled.get(n, -1) >= rule.item_at_least)
            counts.append(
                ClusterCount(cluster.code, count, cluster.min_count, count >= cluster.min_count)
            )
        met = all(c.met for c in counts) if complete else None
        results[rule.code] = CriterionResult(rule.code, met, tuple(counts), rule.source)
    return results
