"""Reading instrument definitions (JSON) into typed objects, and finding the shipped ones."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DefinitionError, UnknownInstrumentError
from .model import (
    Band,
    BandSet,
    Cluster,
    CriterionRule,
    Definition,
    Item,
    Licence,
    MissingRule,
    OptionalItem,
    ReliableChangeParams,
    ResponseOption,
    Subscale,
)
from .rules import parse_caseness, parse_risk_rules, parse_skip_rule
from .schema import Node
from .validate import check_definition

DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "definitions"
SCHEMA_VERSION = 1

_TOP_LEVEL = (
    "schema_version", "code", "name", "version", "languages", "citation",
    "additional_citations", "licence", "wording", "source_notes", "unconfirmed",
    "item_count", "recall_period", "instructions", "response_options", "items",
    "unscored_items", "scoring", "missing", "bands", "risk_rules", "caseness", "criteria",
    "loinc", "reliable_change", "reliable_change_note",
)  # fmt: skip
METHODS = ("sum", "mean")


def normalise_code(code: str) -> str:
    """'PHQ-9', 'phq9' and 'Phq 9' all name the same instrument."""
    return re.sub(r"[^a-z0-9]", "", code.lower())


def parse_definition(data: Mapping[str, Any], *, source: str = "<definition>") -> Definition:
    """Build a Definition from parsed JSON, or raise DefinitionError saying what is wrong."""
    root = Node(data, "$", source)
    root.only(*_TOP_LEVEL)
    if root.int("schema_version") != SCHEMA_VERSION:
        root.fail(f"must be {SCHEMA_VERSION}", "schema_version")
    langs = root.strs("languages")
    if not langs or len(set(langs)) != len(langs):
        root.fail("must list each language once", "languages")
    default_options = _options(root, "response_options", langs, required=False)
    licence, wording = root.node("licence"), root.node("wording")
    licence.only("text", "wording_may_be_shipped", "source")
    wording.only("must_be_entered_by_clinic", "note")
    scoring = root.node("scoring")
    scoring.only("method", "multiplier", "reverse_items", "subscales", "total_items", "source")
    method = scoring.str("method")
    if method not in METHODS:
        scoring.fail(f"must be one of {', '.join(METHODS)}", "method")
    definition = Definition(
        code=root.str("code"),
        name=root.str("name"),
        version=root.str("version"),
        languages=langs,
        citation=root.str("citation"),
        additional_citations=root.strs("additional_citations", required=False),
        licence=Licence(
            text=licence.str("text"),
            wording_may_be_shipped=licence.bool("wording_may_be_shipped"),
            source=licence.str("source"),
        ),
        wording_must_be_entered_by_clinic=wording.bool("must_be_entered_by_clinic"),
        wording_note=wording.str("note"),
        item_count=root.int("item_count"),
        recall_period=root.text("recall_period", langs),
        instructions=root.text("instructions", langs),
        items=tuple(_item(n, langs, default_options) for n in root.nodes("items")),
        unscored_items=tuple(
            _item(n, langs, default_options) for n in root.nodes("unscored_items", required=False)
        ),
        multiplier=scoring.int("multiplier", 1),
        reverse_items=scoring.ints("reverse_items", required=False),
        subscales=tuple(_subscale(n, langs) for n in scoring.nodes("subscales", required=False)),
        scoring_source=scoring.str("source"),
        missing=_missing(root.node("missing")),
        bands=_bands(root.opt_node("bands"), langs),
        risk_rules=parse_risk_rules(root, langs),
        caseness=parse_caseness(root, langs),
        criteria=tuple(_criterion(n, langs) for n in root.nodes("criteria", required=False)),
        loinc=_loinc(root.opt_node("loinc")),
        reliable_change=_reliable_change(root.opt_node("reliable_change")),
        response_options=default_options,
        source_notes=root.strs("source_notes"),
        unconfirmed=root.strs("unconfirmed", required=False),
        raw=MappingProxyType(dict(data)),
        method=method,
        total_items=scoring.ints("total_items", required=False),
        reliable_change_note=root.opt_str("reliable_change_note"),
    )
    check_definition(definition, root)
    return definition


def _options(
    node: Node, key: str, langs: tuple[str, ...], *, required: bool = True
) -> tuple[ResponseOption, ...]:
    options = []
    for entry in node.nodes(key, required=required):
        entry.only("value", "label")
        options.append(ResponseOption(entry.int("value"), entry.text("label", langs)))
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        node.fail("option values must be unique", key)
    return tuple(options)


def _item(node: Node, langs: tuple[str, ...], defaults: tuple[ResponseOption, ...]) -> Item:
    node.only("number", "text", "topic", "response_options", "loinc", "dimension", "situation")
    options = (
        _options(node, "response_options", langs) if node.has("response_options") else defaults
    )
    if not options:
        node.fail("has no response options (and the definition sets no default)")
    return Item(
        number=node.int("number"),
        text=node.text("text", langs),
        options=options,
        topic=node.opt_text("topic", langs),
        loinc=node.opt_str("loinc"),
        dimension=node.opt_str("dimension"),
        situation=node.opt_int("situation"),
    )


def _bands(node: Node | None, langs: tuple[str, ...]) -> BandSet | None:
    if node is None:
        return None
    node.only("ranges", "source")
    ranges = []
    for entry in node.nodes("ranges"):
        entry.only("code", "min", "max", "label")
        ranges.append(
            Band(entry.str("code"), entry.int("min"), entry.int("max"), entry.text("label", langs))
        )
    return BandSet(ranges=tuple(ranges), source=node.str("source"))


def _subscale(node: Node, langs: tuple[str, ...]) -> Subscale:
    node.only("code", "name", "items", "multiplier", "bands")
    return Subscale(
        code=node.str("code"),
        name=node.text("name", langs),
        items=node.ints("items"),
        multiplier=node.int("multiplier", 1),
        bands=_bands(node.opt_node("bands"), langs),
    )


def _missing(node: Node) -> MissingRule:
    node.only(
        "rule", "max_missing", "never_prorate", "rounding", "skip_rules", "optional_items", "source"
    )
    rule = node.str("rule")
    if rule not in ("refuse", "prorate"):
        node.fail("must be 'refuse' or 'prorate'", "rule")
    rounding = node.opt_str("rounding") or "none"
    if rounding not in ("none", "nearest_integer"):
        node.fail("must be 'none' or 'nearest_integer'", "rounding")
    optional = []
    for entry in node.nodes("optional_items", required=False):
        entry.only("item", "note", "source")
        optional.append(OptionalItem(entry.int("item"), entry.str("note"), entry.str("source")))
    return MissingRule(
        rule=rule,
        source=node.str("source"),
        max_missing=node.int("max_missing", 0),
        never_prorate=node.ints("never_prorate", required=False),
        rounding=rounding,
        skip_rules=tuple(parse_skip_rule(n) for n in node.nodes("skip_rules", required=False)),
        optional_items=tuple(optional),
    )


def _criterion(node: Node, langs: tuple[str, ...]) -> CriterionRule:
    node.only("code", "label", "item_at_least", "clusters", "source")
    clusters = []
    for entry in node.nodes("clusters"):
        entry.only("code", "items", "min_count")
        clusters.append(Cluster(entry.str("code"), entry.ints("items"), entry.int("min_count")))
    return CriterionRule(
        code=node.str("code"),
        label=node.text("label", langs),
        item_at_least=node.int("item_at_least"),
        clusters=tuple(clusters),
        source=node.str("source"),
    )


def _loinc(node: Node | None) -> Mapping[str, Any] | None:
    if node is None:
        return None
    node.only("panel", "total", "answers", "source")
    node.str("source")
    for key in ("panel", "total"):
        node.opt_str(key)
    return MappingProxyType(dict(node.data))


def _reliable_change(node: Node | None) -> ReliableChangeParams | None:
    if node is None:
        return None
    node.only("sd", "reliability", "threshold_points", "source")
    params = ReliableChangeParams(
        source=node.str("source"),
        sd=node.opt_number("sd"),
        reliability=node.opt_number("reliability"),
        threshold_points=node.opt_number("threshold_points"),
    )
    if (params.sd is None) != (params.reliability is None):
        node.fail("sd and reliability must be given together")
    if params.sd is None and params.threshold_points is None:
        node.fail("needs sd and reliability, or threshold_points")
    if params.reliability is not None and not 0 <= params.reliability < 1:
        node.fail("must be at least 0 and below 1", "reliability")
    return params


def load_definition_file(path: str | Path) -> Definition:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DefinitionError(f"{path.name}: cannot read JSON: {exc}") from exc
    return parse_definition(data, source=path.name)


@cache
def _shipped() -> Mapping[str, Definition]:
    found: dict[str, Definition] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        definition = load_definition_file(path)
        key = normalise_code(definition.code)
        if key in found:
            raise DefinitionError(f"{path.name}: code {definition.code} is defined twice")
        found[key] = definition
    return MappingProxyType(found)


def load_all() -> dict[str, Definition]:
    """Every shipped definition, keyed by its code ('PHQ-9'), in file-name order."""
    return {d.code: d for d in _shipped().values()}


def load_definition(code: str) -> Definition:
    """A shipped definition by code, ignoring case and punctuation ('phq9' finds 'PHQ-9')."""
    try:
        return _shipped()[normalise_code(code)]
    except KeyError:
        known = ", ".join(d.code for d in _shipped().values())
        raise UnknownInstrumentError(f"unknown instrument {code!r}; known: {known}") from None


def missing_translations(definition: Definition) -> list[str]:
    """Where a text is null, as 'items[3].text.sv'. Never fill these by machine translation."""
    found = []

    def scan(where: str, text: Mapping[str, str | None] | None) -> None:
        for lang, value in (text or {}).items():
            if value is None:
                found.append(f"{where}.{lang}")

    scan("recall_period", definition.recall_period)
    scan("instructions", definition.instructions)
    for option in definition.response_options:
        scan(f"response_options[{option.value}].label", option.label)
    for item in definition.items + definition.unscored_items:
        scan(f"items[{item.number}].text", item.text)
        if item.options != definition.response_options:
            for option in item.options:
                scan(f"items[{item.number}].options[{option.value}].label", option.label)
    return found
