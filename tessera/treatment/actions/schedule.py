"""Writes to a clinic's measurement schedule and risk thresholds: atomic and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from tessera.core import audit
from tessera.core.drawn import changed_since, digest_of
from tessera.core.models import Clinic
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


THRESHOLD_FIELDS = ("at_least",)


def threshold_digest(at_least) -> str:
    """What a threshold's form is drawn with: the value it showed (decision 0152)."""
    return digest_of({"at_least": at_least}, THRESHOLD_FIELDS)


def current_threshold(clinic, definition, rule_code: str) -> int | None:
    """The clinic's own threshold for the rule, or the published one."""
    own = RiskThreshold.objects.filter(
        clinic=clinic, instrument=definition.code, rule_code=rule_code
    ).first()
    if own is not None:
        return own.at_least
    return next((r.at_least for r in definition.risk_rules if r.code == rule_code), None)


def risk_overrides(clinic, instrument: str) -> dict[str, int]:
    rows = RiskThreshold.objects.filter(clinic=clinic, instrument=instrument)
    return {row.rule_code: row.at_least for row in rows}


@transaction.atomic
def do_set_risk_threshold(
    clinic, instrument: str, rule_code: str, at_least: int, *, acting_user, drawn: str = ""
):
    """``drawn``: the digest of the value the page showed. Compared under the clinic's
    row lock: a threshold another manager saved after the page was drawn is refused
    (``threshold_changed_meanwhile``), not saved over; the same value sent twice is
    the user's own save (decision 0152)."""
    definition = load_definition(instrument)
    try:  # let the engine check the rule exists and the threshold is possible
        score(definition, {}, risk_overrides={rule_code: at_least})
    except RiskOverrideError as exc:
        raise ValidationError(
            gettext("%(value)s is not a possible threshold for risk rule %(rule)s of %(code)s."),
            params={"value": at_least, "rule": rule_code, "code": instrument},
        ) from exc
    Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    now = threshold_digest(current_threshold(clinic, definition, rule_code))
    if changed_since(now, drawn, {"at_least": at_least}, THRESHOLD_FIELDS):
        raise ValidationError(
            gettext(
                "Someone else changed this threshold while you had the page open. Nothing "
                "was saved; the value you typed is still in the form. Save it again to "
                "replace theirs."
            ),
            code="threshold_changed_meanwhile",
        )
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
