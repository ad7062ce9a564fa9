"""Cross-field checks on a parsed definition: references, ranges and the licence guard."""

from __future__ import annotations

from collections.abc import Iterable

from .bands import coverage_problem
from .model import Definition
from .schema import Node


def check_definition(d: Definition, root: Node) -> None:
    """Raise DefinitionError (through root.fail) on the first inconsistency found."""
    _check_items(d, root)
    _check_scoring(d, root)
    _check_rules(d, root)
    _check_missing(d, root)
    _check_licence(d, root)
    _check_reliable_change(d, root)


def _unique(values: Iterable[str | int]) -> bool:
    values = list(values)
    return len(set(values)) == len(values)


def _check_items(d: Definition, root: Node) -> None:
    numbers = list(d.item_numbers)
    if numbers != list(range(1, d.item_count + 1)):
        root.fail(f"items must be numbered 1..{d.item_count} in order (item_count)", "items")
    extra = [i.number for i in d.unscored_items]
    if not _unique(numbers + extra):
        root.fail("unscored item numbers must differ from scored ones", "unscored_items")


def _check_refs(root: Node, where: str, refs: Iterable[int], known: set[int]) -> None:
    refs = list(refs)
    unknown = sorted(set(refs) - known)
    if unknown:
        root.fail(f"refers to unknown item(s) {unknown}", where)
    if not _unique(refs):
        root.fail("lists an item twice", where)


def _check_scoring(d: Definition, root: Node) -> None:
    known = set(d.item_numbers)
    if d.multiplier < 1:
        root.fail("must be at least 1", "scoring.multiplier")
    _check_refs(root, "scoring.reverse_items", d.reverse_items, known)
    _check_refs(root, "scoring.total_items", d.total_items, known)
    if d.method == "mean" and d.multiplier != 1:
        root.fail("a mean score takes no multiplier", "scoring.multiplier")
    if not _unique(s.code for s in d.subscales):
        root.fail("subscale codes must be unique", "scoring.subscales")
    for s in d.subscales:
        if s.code == "total":
            root.fail("'total' is reserved", f"scoring.subscales[{s.code}]")
        _check_refs(root, f"scoring.subscales[{s.code}].items", s.items, known)
        if s.bands is not None:
            low, high = d.score_range(s.items, s.multiplier)
            problem = coverage_problem(s.bands, low, high)
            if problem:
                root.fail(problem, f"scoring.subscales[{s.code}].bands")
    if d.bands is not None:
        problem = coverage_problem(d.bands, d.min_total, d.max_total)
        if problem:
            root.fail(problem, "bands")


def scale_range(d: Definition, scale: str) -> tuple[float, float] | None:
    if scale == "total":
        return d.min_total, d.max_total
    codes = {s.code: s for s in d.subscales}
    if scale not in codes:
        return None
    return d.score_range(codes[scale].items, codes[scale].multiplier)


def _check_rules(d: Definition, root: Node) -> None:
    if not _unique(r.code for r in d.risk_rules):
        root.fail("rule codes must be unique", "risk_rules")
    for rule in d.risk_rules:
        if rule.item is not None:
            if rule.item not in d.item_numbers:
                root.fail(f"refers to unknown item {rule.item}", f"risk_rules[{rule.code}]")
            item = d.item(rule.item)
            span: tuple[int, int] | None = (item.min_value, item.max_value)
        else:
            span = scale_range(d, rule.scale or "")
        if span is None or not span[0] <= rule.at_least <= span[1]:
            root.fail("threshold or scale outside the instrument", f"risk_rules[{rule.code}]")
    if not _unique(r.code for r in d.caseness):
        root.fail("codes must be unique", "caseness")
    for case in d.caseness:
        span = scale_range(d, case.scale)
        if span is None or not span[0] <= case.at_least <= span[1]:
            root.fail("threshold or scale outside the instrument", f"caseness[{case.code}]")
    for criterion in d.criteria:
        for cluster in criterion.clusters:
            where = f"criteria[{criterion.code}].clusters[{cluster.code}]"
            _check_refs(root, where, cluster.items, set(d.item_numbers))
            if not 0 < cluster.min_count <= len(cluster.items):
                root.fail("min_count must be between 1 and the number of items", where)


def _check_missing(d: Definition, root: Node) -> None:
    rule, known = d.missing, set(d.item_numbers)
    if rule.rule == "refuse" and (rule.max_missing or rule.never_prorate):
        root.fail("max_missing and never_prorate only apply to 'prorate'", "missing")
    if rule.rule == "prorate" and not 0 < rule.max_missing < d.item_count:
        root.fail("must be at least 1 and below item_count", "missing.max_missing")
    _check_refs(root, "missing.never_prorate", rule.never_prorate, known)
    _check_refs(root, "missing.optional_items", [o.item for o in rule.optional_items], known)
    for i, skip in enumerate(rule.skip_rules):
        where = f"missing.skip_rules[{i}]"
        _check_refs(root, where + ".when_items", skip.when_items, known)
        _check_refs(root, where + ".then_items", skip.then_items, known)
        if set(skip.when_items) & set(skip.then_items):
            root.fail("an item cannot both trigger and be skipped", where)
        if any(skip.score_as not in d.item(n).values for n in skip.then_items):
            root.fail("score_as must be a value the skipped items offer", where)


def _check_licence(d: Definition, root: Node) -> None:
    """Refuse to load a definition that would ship wording its owner has not released."""
    texts = [d.instructions] + [i.text for i in d.items + d.unscored_items]
    texts += [o.label for i in d.items + d.unscored_items for o in i.options]
    has_wording = any(v is not None for t in texts for v in t.values())
    if not d.licence.wording_may_be_shipped and not d.wording_must_be_entered_by_clinic:
        root.fail("must be true when the licence does not let us ship the wording", "wording")
    if d.wording_must_be_entered_by_clinic and has_wording:
        root.fail(
            "item text, option labels and instructions must all be null when the clinic "
            "enters the wording",
            "items",
        )


def _check_reliable_change(d: Definition, root: Node) -> None:
    """A points threshold must be a change the scale can show. (A definition without
    parameters says why in reliable_change_note; tests require that of shipped files.)"""
    params = d.reliable_change
    if params is None or params.threshold_points is None:
        return
    span = d.max_total - d.min_total
    if not 0 < params.threshold_points <= span:
        root.fail(f"must be above 0 and at most the score range ({span})", "reliable_change")
