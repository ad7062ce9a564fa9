"""Writes to a clinic's measurement schedule and risk thresholds: atomic and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from tessera.core import audit
from tessera.instruments.scoring import RiskOverrideError, load_definition, score

from ..models import MeasureRule, RiskThreshold


@transaction.atomic
def do_add_measure_rule(clinic, *, acting_user, **fields) -> MeasureRule:
    rule = MeasureRule(clinic=clinic, **fields)
    if rule.time_point == "custom" and not rule.interval_days:
        raise ValidationError(
            {"interval_days": gettext("A custom interval needs a number of days.")}
        )
    rule.full_clean()
    rule.save()
    audit.record_for_clinic(
        "clinic.measure_added",
        clinic,
        acting_user,
        rule,
        {"instrument": rule.instrument, "time_point": rule.time_point},
    )
    return rule


@transaction.atomic
def do_remove_measure_rule(rule: MeasureRule, *, acting_user) -> None:
    """Future episodes stop getting this measure; occasions already planned stay."""
    changes = {"instrument": rule.instrument, "time_point": rule.time_point}
    audit.record_for_clinic("clinic.measure_removed", rule.clinic, acting_user, rule, changes)
    rule.delete()


def risk_overrides(clinic, instrument: str) -> dict[str, int]:
    rows = RiskThreshold.objects.filter(clinic=clinic, instrument=instrument)
    return {row.rule_code: row.at_least for row in rows}


@transaction.atomic
def do_set_risk_threshold(clinic, instrument: str, rule_code: str, at_least: int, *, acting_user):
    definition = load_definition(instrument)
    try:  # let the engine check the rule exists and the threshold is possible
        score(definition, {}, risk_overrides={rule_code: at_least})
    except RiskOverrideError as exc:
        raise ValidationError(
            gettext("%(value)s is not a possible threshold for risk rule %(rule)s of %(code)s."),
            params={"value": at_least, "rule": rule_code, "code": instrument},
        ) from exc
    row, _ = RiskThreshold.objects.update_or_create(
        clinic=clinic,
        instrument=definition.code,
        rule_code=rule_code,
        defaults={"at_least": at_least},
    )
    audit.record_for_clinic(
        "clinic.risk_threshold_set",
        clinic,
        acting_user,
        row,
        {"instrument": definition.code, "rule": rule_code, "at_least": at_least},
    )
    return row
