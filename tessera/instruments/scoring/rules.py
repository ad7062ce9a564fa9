"""Parsing the rule sections of a definition: risk, caseness and skip rules."""

from __future__ import annotations

from .model import CasenessRule, RiskRule, SkipRule
from .schema import Node

# A risk rule's own severity, least to most urgent. The safety app gives each its
# acknowledgement window (tessera.safety.rules; docs/safety.md).
SEVERITIES = ("moderate", "high", "urgent")


def parse_risk_rules(root: Node, langs: tuple[str, ...]) -> tuple[RiskRule, ...]:
    rules = []
    for node in root.nodes("risk_rules", required=False):
        node.only(
            "code",
            "item",
            "scale",
            "at_least",
            "severity",
            "acknowledge_within_hours",
            "label",
            "source",
        )
        item, scale = node.opt_int("item"), node.opt_str("scale")
        if (item is None) == (scale is None):
            node.fail("needs exactly one of item or scale")
        severity = node.str("severity")
        if severity not in SEVERITIES:
            node.fail(f"must be one of {', '.join(SEVERITIES)}", "severity")
        within = node.opt_int("acknowledge_within_hours")
        if within is not None and not 1 <= within <= 168:
            node.fail("must be between 1 and 168 hours", "acknowledge_within_hours")
        rules.append(
            RiskRule(
                code=node.str("code"),
                at_least=node.int("at_least"),
                severity=severity,
                acknowledge_within_hours=within,
                label=node.text("label", langs),
                source=node.str("source"),
                item=item,
                scale=scale,
            )
        )
    return tuple(rules)


def parse_caseness(root: Node, langs: tuple[str, ...]) -> tuple[CasenessRule, ...]:
    rules = []
    for node in root.nodes("caseness", required=False):
        node.only("code", "scale", "at_least", "label", "source")
        rules.append(
            CasenessRule(
                code=node.str("code"),
                scale=node.opt_str("scale") or "total",
                at_least=node.number("at_least"),
                label=node.text("label", langs),
                source=node.str("source"),
            )
        )
    return tuple(rules)


def parse_skip_rule(node: Node) -> SkipRule:
    node.only("when_items", "when_sum_at_most", "then_items", "score_as", "source")
    return SkipRule(
        when_items=node.ints("when_items"),
        when_sum_at_most=node.int("when_sum_at_most"),
        then_items=node.ints("then_items"),
        score_as=node.int("score_as"),
        source=node.str("source"),
    )
