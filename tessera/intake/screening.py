"""The clinic's screening set and scoring a screening questionnaire."""

from __future__ import annotations

from tessera.instruments.scoring import load_definition, score
from tessera.treatment.actions.schedule import risk_overrides
from tessera.treatment.models import MeasureRule

# Without screening rules of its own, a clinic screens for depression and anxiety.
DEFAULT_SCREENING = ["PHQ-9", "GAD-7"]


def screening_set(clinic) -> list[str]:
    """Instrument codes of the clinic's screening time point (its MeasureRule rows with
    time point "screening"), in the order of the schedule; PHQ-9 and GAD-7 without any."""
    codes = list(
        MeasureRule.objects.filter(clinic=clinic, time_point="screening", programme_key="")
        .order_by("id")
        .values_list("instrument", flat=True)
    )
    return [load_definition(code).code for code in dict.fromkeys(codes)] or list(DEFAULT_SCREENING)


def score_screening(clinic, code: str, answers: dict[int, int]):
    """Score complete answers with the clinic's own risk thresholds; raises when incomplete."""
    definition = load_definition(code)
    overrides = risk_overrides(clinic, definition.code)
    return definition, score(definition, answers, risk_overrides=overrides).require_complete()
