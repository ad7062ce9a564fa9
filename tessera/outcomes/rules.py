"""The outcome of one episode, and the rates over many, by the NHS Talking Therapies rules.

The rules themselves (caseness, reliable change, recovery) live once, in
tessera.instruments.scoring.talking_therapies; this module decides which of them apply to
an episode and counts the results. docs/outcomes.md gives every definition with its
source and how sure we are of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from tessera.instruments.scoring.change import reliable_change_points
from tessera.instruments.scoring.talking_therapies import (
    Measure,
    at_caseness,
    finished_treatment,
    outcome_labels,
)

from .measures import Entry

_MEMO_LIMIT = 500_000  # remembered (threshold, first, last) directions before starting over
_directions: dict[tuple[float, float, float], str] = {}


class Classification(NamedTuple):
    """One episode's outcome. None means "not applicable" (an empty cell in the CSV).
    A named tuple rather than a dataclass: a million of them are made in a run."""

    finished: bool
    caseness_start: bool | None
    recovered: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    contacts_without_pairs: bool = False  # 2+ contacts but the scores are not paired


def classify(
    dep: Entry | None,
    dep_first: float | None,
    dep_last: float | None,
    anx: Entry | None,
    anx_first: float | None,
    anx_last: float | None,
    contacts: int | None,
) -> Classification:
    """Classify one episode.

    Finished course (NHS Digital, "finished a course of treatment": the referral ended
    having had at least two attended treatment appointments; CLINICAL.md §2 ✓ adds paired
    first and last scores): contacts >= 2 and paired scores. Paired means a first and a
    last score on BOTH the depression measure and the anxiety measure, because caseness
    and recovery are defined over the pair ("PHQ-9 and/or the anxiety measure at
    caseness"; "not at caseness on either"): one measure alone cannot show either.
    Unknown contacts (an empty cell) cannot show a finished course.
    """
    paired = (
        dep is not None
        and anx is not None
        and dep_first is not None
        and dep_last is not None
        and anx_first is not None
        and anx_last is not None
    )
    finished = contacts is not None and finished_treatment(contacts, paired)
    if not finished:
        return Classification(
            False,
            caseness_at_start(dep, dep_first, anx, anx_first),
            None,
            None,
            None,
            None,
            contacts is not None and contacts >= 2 and not paired,
        )
    assert dep is not None and anx is not None  # paired
    # Recovery: at caseness at the first score and at caseness on neither measure at the
    # last (✓); None for a course that started below caseness, which also leaves the
    # recovery denominator. Reliable improvement: a fall of at least the reliable-change
    # points on at least one measure and no reliable rise on the other (✓); reliable
    # deterioration the mirror image, so the two are exclusive (issue 12 item 5 states
    # the national definition; see docs/outcomes.md for how sure we are). Reliable
    # recovery: recovered and reliably improved (✓).
    caseness_first = at_caseness(dep_first, anx_first, anx.measure, depression_measure=dep.measure)
    caseness_last = at_caseness(dep_last, anx_last, anx.measure, depression_measure=dep.measure)
    recovered, improvement, deterioration, reliable_recovery = outcome_labels(
        caseness_first,
        caseness_last,
        (direction(dep.measure, dep_first, dep_last), direction(anx.measure, anx_first, anx_last)),
        deterioration_excludes_improvement=True,
    )
    return Classification(
        True, caseness_first, recovered, improvement, deterioration, reliable_recovery
    )


def direction(measure: Measure, first: float, last: float) -> str:
    """The direction of reliable change on one measure (reliable_change_points, the shared
    rule), remembered: scores take few values, and a million rows repeat them."""
    key = (measure.reliable_change, first, last)
    found = _directions.get(key)
    if found is None:
        if len(_directions) >= _MEMO_LIMIT:
            _directions.clear()
        found = _directions[key] = reliable_change_points(
            first, last, threshold=measure.reliable_change
        ).direction
    return found


def caseness_at_start(
    dep: Entry | None, dep_first: float | None, anx: Entry | None, anx_first: float | None
) -> bool | None:
    """At caseness at the first score: the depression measure at or above its cut-off
    and/or the anxiety measure at or above its own (✓). With one first score missing,
    the answer is known only when the other is at caseness; otherwise None."""
    known = [(e, s) for e, s in ((dep, dep_first), (anx, anx_first)) if e and s is not None]
    if any(entry.measure.at_caseness(score) for entry, score in known):
        return True
    return False if len(known) == 2 else None


@dataclass
class Tally:
    """Counts over many episodes, for the rates and their denominators."""

    episodes: int = 0
    finished: int = 0
    finished_not_at_caseness: int = 0
    recovered: int = 0
    reliable_improvement: int = 0
    reliable_deterioration: int = 0
    reliable_recovery: int = 0
    contacts_without_pairs: int = 0

    def add(self, c: Classification) -> None:
        self.episodes += 1
        if c.contacts_without_pairs:
            self.contacts_without_pairs += 1
        if not c.finished:
            return
        self.finished += 1
        self.finished_not_at_caseness += not c.caseness_start
        self.recovered += bool(c.recovered)
        self.reliable_improvement += bool(c.reliable_improvement)
        self.reliable_deterioration += bool(c.reliable_deterioration)
        self.reliable_recovery += bool(c.reliable_recovery)

    @property
    def recovery_denominator(self) -> int:
        """Finished courses less those not at caseness at the start (✓)."""
        return self.finished - self.finished_not_at_caseness

    def rates(self) -> list[tuple[str, int, int]]:
        """(name, numerator, denominator) for each rate. Reliable improvement and
        deterioration are over all finished courses; recovery and reliable recovery over
        finished courses that started at caseness (NHS Digital's published rates)."""
        at_caseness = self.recovery_denominator
        return [
            ("finished", self.finished, self.episodes),
            ("recovery", self.recovered, at_caseness),
            ("reliable improvement", self.reliable_improvement, self.finished),
            ("reliable deterioration", self.reliable_deterioration, self.finished),
            ("reliable recovery", self.reliable_recovery, at_caseness),
        ]


def format_rate(name: str, numerator: int, denominator: int) -> str:
    """'recovery: 12/30 = 40.0 %'; a rate over nothing says so instead of dividing."""
    if denominator == 0:
        return f"{name}: {numerator}/0 = no rate (no one in the denominator)"
    return f"{name}: {numerator}/{denominator} = {100 * numerator / denominator:.1f} %"
