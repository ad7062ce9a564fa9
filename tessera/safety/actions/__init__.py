"""Writes of safety: atomic and audited, one module per concept.

- ``alerts``: risk alerts: opening, acknowledging, escalating, resolving;
- ``plans``: the safety plan.

The public functions are re-exported here, so ``from tessera.safety import actions`` then
``actions.do_...`` reads as before.
"""

from .alerts import (
    do_acknowledge,
    do_open_alert_for_late_answers,
    do_open_alert_for_response,
    do_raise_concern,
    do_resolve,
    escalate_overdue,
    tell_whoever_can_act_now,
)
from .plans import (
    EditedMeanwhile,
    do_save_safety_plan,
    plan_for,
)

__all__ = [
    "do_open_alert_for_response",
    "do_open_alert_for_late_answers",
    "do_raise_concern",
    "do_acknowledge",
    "do_resolve",
    "escalate_overdue",
    "tell_whoever_can_act_now",
    "EditedMeanwhile",
    "plan_for",
    "do_save_safety_plan",
]
