"""Change between two scores: reliable change, clinical cut-offs, percentage change.

Sources are cited beside each rule. Lower scores are better unless stated otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Definition

# Jacobson & Truax (1991): a change is reliable when |RC| exceeds 1.96, i.e. it would
# arise by measurement error alone less than 5 % of the time.
RCI_CRITICAL = 1.96

# Scores that are means (the Mobility Inventory's, e.g. 2.01) are not exact in binary
# floating point: 2.01 - 1.28 comes out a hair under 0.73. A change of exactly the
# threshold counts as reliable, so differences are compared with this much slack. Whole
# number scores and thresholds are unaffected.
FLOAT_SLACK = 1e-9

# Swedish register practice (CLINICAL.md §2): "substantially improved" means a fall of
# at least this many percent from the first score. The register's own documentation was
# not on file; the figures are as recorded in CLINICAL.md.
SUBSTANTIAL_IMPROVEMENT_PERCENT = {
    "depression": 40.0,
    "insomnia": 40.0,
    "panic": 40.0,
    "health_anxiety": 30.0,
    "ibs": 30.0,
    "social_anxiety": 30.0,
}


@dataclass(frozen=True)
class ReliableChange:
    first: float
    last: float
    difference: float  # last - first
    method: str  # "rci" (Jacobson & Truax) or "threshold" (a published points rule)
    reliable: bool
    direction: str  # "improved", "deteriorated" or "no_reliable_change"
    rci: float | None = None
    s_diff: float | None = None
    threshold_points: float | None = None


def s_diff(sd: float, reliability: float) -> float:
    """Standard error of the difference: SD * sqrt(2) * sqrt(1 - r) (Jacobson & Truax 1991)."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("sd must be positive and reliability in [0, 1)")
    return sd * math.sqrt(2) * math.sqrt(1 - reliability)


def reliable_change_index(
    first: float, last: float, *, sd: float, reliability: float, higher_is_worse: bool = True
) -> ReliableChange:
    """RC = (last - first) / S_diff; reliable when |RC| > 1.96 (Jacobson & Truax 1991).

    `sd` is the standard deviation of the measure in the reference sample (pre-treatment
    or normative) and `reliability` its test-retest or internal-consistency coefficient;
    name both sources wherever this is called.
    """
    spread = s_diff(sd, reliability)
    rci = (last - first) / spread
    reliable = abs(rci) > RCI_CRITICAL
    return ReliableChange(
        first=first,
        last=last,
        difference=last - first,
        method="rci",
        reliable=reliable,
        direction=_direction(last - first, reliable, higher_is_worse),
        rci=rci,
        s_diff=spread,
    )


def reliable_change_points(
    first: float, last: float, *, threshold: float, higher_is_worse: bool = True
) -> ReliableChange:
    """Reliable when the score moves by at least `threshold` points (e.g. NHS Talking
    Therapies: 6 for PHQ-9, 4 for GAD-7)."""
    reliable = abs(last - first) >= threshold - FLOAT_SLACK
    return ReliableChange(
        first=first,
        last=last,
        difference=last - first,
        method="threshold",
        reliable=reliable,
        direction=_direction(last - first, reliable, higher_is_worse),
        threshold_points=threshold,
    )


def reliable_change_for(definition: Definition, first: float, last: float) -> ReliableChange | None:
    """Reliable change using the parameters in the definition, or None if it has none.

    SD and reliability win over a points threshold when a definition gives both.
    """
    params = definition.reliable_change
    if params is None:
        return None
    if params.sd is not None and params.reliability is not None:
        return reliable_change_index(first, last, sd=params.sd, reliability=params.reliability)
    if params.threshold_points is not None:
        return reliable_change_points(first, last, threshold=params.threshold_points)
    return None


def _direction(difference: float, reliable: bool, higher_is_worse: bool) -> str:
    if not reliable or difference == 0:
        return "no_reliable_change"
    better = difference < 0 if higher_is_worse else difference > 0
    return "improved" if better else "deteriorated"


def clinical_cutoff_c(
    mean_clinical: float, sd_clinical: float, mean_functional: float, sd_functional: float
) -> float:
    """Cut-off 'c' between clinical and functional populations (Jacobson & Truax 1991):
    c = (SD_clin * M_func + SD_func * M_clin) / (SD_clin + SD_func)."""
    if sd_clinical <= 0 or sd_functional <= 0:
        raise ValueError("standard deviations must be positive")
    return (sd_clinical * mean_functional + sd_functional * mean_clinical) / (
        sd_clinical + sd_functional
    )


def clinically_significant_change(
    change: ReliableChange, cutoff: float, *, higher_is_worse: bool = True
) -> bool:
    """Reliable improvement that also crosses the cut-off (Jacobson & Truax 1991)."""
    if change.direction != "improved":
        return False
    if higher_is_worse:
        return change.first >= cutoff > change.last
    return change.first <= cutoff < change.last


def percent_change(first: float, last: float) -> float | None:
    """(last - first) / first * 100; negative means the score fell. None when first is 0."""
    if first == 0:
        return None
    return (last - first) / first * 100


def substantially_improved(first: float, last: float, *, threshold_percent: float) -> bool | None:
    """A fall of at least `threshold_percent` % from the first score (Swedish register
    practice: 40 % for depression, insomnia and panic; 30 % for health anxiety, IBS and
    social anxiety; see SUBSTANTIAL_IMPROVEMENT_PERCENT). None when first is 0."""
    if first == 0:
        return None
    # Cross-multiplied so that e.g. 20 -> 12 is exactly 40 % with no rounding error.
    return (first - last) * 100 >= threshold_percent * first
