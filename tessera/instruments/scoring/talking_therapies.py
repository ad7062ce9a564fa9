"""NHS Talking Therapies (England) outcome rules: caseness, recovery, reliable change.

Source for every rule here unless noted: NHS England, "NHS Talking Therapies for Anxiety
and Depression Manual", measurement and outcomes sections, as summarised in
CLINICAL.md §2. Marks there: ✓ confirmed, ~ partly confirmed (said beside the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .change import ReliableChange, reliable_change_points

TT_SOURCE = "NHS Talking Therapies for Anxiety and Depression Manual (NHS England); CLINICAL.md §2"

# Depression: PHQ-9 at caseness from 10 (✓); a change of 6 or more points is reliable (✓).
PHQ9_CASENESS_AT_LEAST = 10
PHQ9_RELIABLE_CHANGE = 6


@dataclass(frozen=True)
class Measure:
    """A measure as NHS Talking Therapies uses it: its caseness cut-off and the change in
    points that counts as reliable, with their source. The depression measure is PHQ-9;
    the anxiety measure paired with it is GAD-7 by default or, where a problem-specific
    measure is set (PDSS for panic, OCI for OCD, IES-R for PTSD, SPIN for social anxiety,
    HAI for health anxiety; ✓), that measure with the cut-off and reliable-change points
    published for it (tessera/outcomes/measures.json holds them with their sources)."""

    code: str
    caseness_at_least: float
    reliable_change: float
    source: str

    def at_caseness(self, score: float) -> bool:
        """At or above the cut-off (✓: "at caseness" means a score at or above it)."""
        return score >= self.caseness_at_least


# The name this class had when only the anxiety measure could vary; kept for callers.
AnxietyMeasure = Measure

# PHQ-9: caseness from 10 (✓), reliable change 6 points (✓).
PHQ9 = Measure(
    "PHQ-9",
    caseness_at_least=PHQ9_CASENESS_AT_LEAST,
    reliable_change=PHQ9_RELIABLE_CHANGE,
    source=TT_SOURCE,
)
# GAD-7: caseness from 8 (✓), reliable change 4 points (✓).
GAD7 = Measure("GAD-7", caseness_at_least=8, reliable_change=4, source=TT_SOURCE)

# The problem-specific anxiety measures paired with PHQ-9 instead of GAD-7 (which measure
# per problem: Clark et al. 2018, Table 2, CLINICAL.md §2 ✓). Their cut-offs and
# reliable-change points are those tessera/outcomes/measures.json holds, where they are
# marked "secondary" (~: read in a secondary table, not the current manual); a test keeps
# the two in step. Measures whose values are unconfirmed there (OCI, PCL-5) are not
# paired: those problems fall back to GAD-7.
_SPECIFIC_SOURCE = TT_SOURCE + "; values as tabulated by Clark et al. 2018 Table 2 ~"
PDSS = Measure("PDSS-SR", caseness_at_least=8, reliable_change=5, source=_SPECIFIC_SOURCE)
SPIN = Measure("SPIN", caseness_at_least=19, reliable_change=10, source=_SPECIFIC_SOURCE)
IESR = Measure("IES-R", caseness_at_least=33, reliable_change=9, source=_SPECIFIC_SOURCE)
MI = Measure("MI", caseness_at_least=2.3, reliable_change=0.73, source=_SPECIFIC_SOURCE)
HAI = Measure("SHAI", caseness_at_least=18, reliable_change=4, source=_SPECIFIC_SOURCE)
# Programme problem areas (tessera.programs.models.ProblemArea) to their anxiety measure.
# OCD is not paired: the OCI's values are unconfirmed in measures.json (GAD-7 instead).
ANXIETY_BY_PROBLEM = {
    "panic": PDSS,
    "social_anxiety": SPIN,
    "ptsd": IESR,
    "agoraphobia": MI,
    "health_anxiety": HAI,
}


def anxiety_measure_for(problem_area: str | None, scored: Iterable[str] = ()) -> Measure:
    """The anxiety measure to pair with PHQ-9 for a programme's problem area: its
    problem-specific measure when the episode has scores on it, else GAD-7 (✓ the
    default)."""
    specific = ANXIETY_BY_PROBLEM.get(problem_area or "")
    if specific is not None and specific.code in set(scored):
        return specific
    return GAD7


def at_caseness(
    phq9: float, anxiety: float, measure: Measure = GAD7, *, depression_measure: Measure = PHQ9
) -> bool:
    """At caseness when the depression measure (PHQ-9 >= 10) and/or the anxiety measure is
    at its cut-off (✓)."""
    return depression_measure.at_caseness(phq9) or measure.at_caseness(anxiety)


def finished_treatment(treatment_contacts: int, has_paired_scores: bool) -> bool:
    """Finished a course: at least 2 treatment contacts and paired first and last scores (✓)."""
    return treatment_contacts >= 2 and has_paired_scores


@dataclass(frozen=True)
class Outcome:
    anxiety_measure: str
    caseness_first: bool
    caseness_last: bool
    depression: ReliableChange
    anxiety: ReliableChange
    recovered: bool | None  # None when not at caseness at the first score
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None


def outcome(
    phq9_first: float,
    phq9_last: float,
    anxiety_first: float,
    anxiety_last: float,
    *,
    measure: Measure = GAD7,
    deterioration_excludes_improvement: bool = False,
    depression_measure: Measure = PHQ9,
) -> Outcome:
    """Outcome of one finished course from its first and last paired scores.

    Recovery (✓): at caseness at the first score and not at the last; undefined (None)
    for someone who started below caseness, who also leaves the recovery denominator.
    Reliable improvement (✓ for the points, ~ for the second half): one measure fell by its
    reliable-change points and neither rose by them.
    Reliable deterioration (~): one measure rose by its reliable-change points. Some NHS
    publications add "and neither reliably improved"; pass
    deterioration_excludes_improvement=True for that reading, as the outcome engine
    (tessera.outcomes, docs/outcomes.md) does: issue 12 states that the national
    definitions make the two exclusive. The default stays False so that existing letters
    do not change without their own review.
    `depression_measure` is PHQ-9 unless given (the national depression measure).
    Reliable recovery (✓): recovered and reliably improved.
    """
    depression = reliable_change_points(
        phq9_first, phq9_last, threshold=depression_measure.reliable_change
    )
    anxiety = reliable_change_points(anxiety_first, anxiety_last, threshold=measure.reliable_change)
    caseness_first = at_caseness(
        phq9_first, anxiety_first, measure, depression_measure=depression_measure
    )
    caseness_last = at_caseness(
        phq9_last, anxiety_last, measure, depression_measure=depression_measure
    )
    recovered, improvement, deterioration, reliable_recovery = outcome_labels(
        caseness_first,
        caseness_last,
        (depression.direction, anxiety.direction),
        deterioration_excludes_improvement=deterioration_excludes_improvement,
    )
    return Outcome(
        anxiety_measure=measure.code,
        caseness_first=caseness_first,
        caseness_last=caseness_last,
        depression=depression,
        anxiety=anxiety,
        recovered=recovered,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=reliable_recovery,
    )


def outcome_labels(
    caseness_first: bool,
    caseness_last: bool,
    directions: tuple[str, ...],
    *,
    deterioration_excludes_improvement: bool = False,
) -> tuple[bool | None, bool, bool, bool | None]:
    """(recovered, reliable improvement, reliable deterioration, reliable recovery) of a
    finished course, from its caseness at the first and last scores and the direction of
    each measure's reliable change ("improved", "deteriorated", "no_reliable_change").
    The rules and their sources are those of outcome(), which calls this; the outcome
    engine (tessera.outcomes) calls it directly so that a million rows need no objects."""
    improved = "improved" in directions
    worse = "deteriorated" in directions
    recovered = (not caseness_last) if caseness_first else None
    reliable_improvement = improved and not worse
    if deterioration_excludes_improvement:
        reliable_deterioration = worse and not improved
    else:
        reliable_deterioration = worse
    reliable_recovery = None if recovered is None else (recovered and reliable_improvement)
    return recovered, reliable_improvement, reliable_deterioration, reliable_recovery


@dataclass(frozen=True)
class OutcomeSummary:
    finished: int
    not_at_caseness_at_start: int
    recovered: int
    reliable_improvement: int
    reliable_deterioration: int
    reliable_recovery: int
    recovery_rate: float | None
    reliable_recovery_rate: float | None
    reliable_improvement_rate: float | None
    reliable_deterioration_rate: float | None


def summarise(outcomes: Iterable[Outcome]) -> OutcomeSummary:
    """Rates over courses that finished treatment (pass only those).

    Recovery rate = recovered / (finished - not at caseness at start) (✓); reliable
    recovery uses the same denominator (~). Reliable improvement and deterioration rates
    are over all finished courses (~).
    """
    outcomes = list(outcomes)
    finished = len(outcomes)
    below = sum(1 for o in outcomes if not o.caseness_first)
    recovered = sum(1 for o in outcomes if o.recovered)
    reliable_recovery = sum(1 for o in outcomes if o.reliable_recovery)
    improved = sum(1 for o in outcomes if o.reliable_improvement)
    deteriorated = sum(1 for o in outcomes if o.reliable_deterioration)
    return OutcomeSummary(
        finished=finished,
        not_at_caseness_at_start=below,
        recovered=recovered,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=reliable_recovery,
        recovery_rate=_rate(recovered, finished - below),
        reliable_recovery_rate=_rate(reliable_recovery, finished - below),
        reliable_improvement_rate=_rate(improved, finished),
        reliable_deterioration_rate=_rate(deteriorated, finished),
    )


def _rate(count: int, denominator: int) -> float | None:
    return None if denominator <= 0 else count / denominator
