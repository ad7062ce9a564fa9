"""The outcome summary of an episode, as an end-of-treatment letter states it.

First and last PHQ-9 totals and those of the anxiety measure paired with it (the
programme's problem-specific measure when the patient answered it: PDSS-SR for panic,
SPIN for social anxiety, IES-R for PTSD; else GAD-7), and the NHS Talking Therapies
reading of them (caseness, recovery, reliable improvement and deterioration, the last two
exclusive as the national definition states; the rules and their source are in
tessera/instruments/scoring/talking_therapies.py), with the number of treatment contacts
(tessera/appointments/contacts.py). Labels only for a finished course.

Beside them, the programme's primary measure (``ProgrammeVersion.primary_measure_code``,
tessera/instruments/scoring/primary.py), labelled by the clinic's outcome rule
(``Clinic.outcome_rule``): the national rules, or the Swedish 40 %/30 % rule. A clinic on
the Swedish rule gets that label only, and the PHQ-9 pair as scores; where the Swedish
rule names no threshold for the primary measure (PHQ-9, GAD-7, SPIN ...) or the episode
has no programme, the course is read by the national rules and the letter says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.appointments.contacts import treatment_contacts
from tessera.instruments.scoring.primary import (
    NATIONAL,
    SWEDISH,
    PrimaryOutcome,
    primary_outcome,
    swedish_percent,
)
from tessera.instruments.scoring.talking_therapies import (
    ANXIETY_BY_PROBLEM,
    GAD7,
    Outcome,
    anxiety_measure_for,
    finished_treatment,
    outcome,
)


@dataclass(frozen=True)
class Summary:
    contacts: int
    modules_completed: int
    phq9: tuple[int, int] | None
    anxiety: tuple[int, int] | None
    finished: bool
    outcome: Outcome | None
    anxiety_code: str = GAD7.code
    rule: str = NATIONAL
    primary_code: str = ""
    primary_scores: tuple[int, int] | None = None
    primary: PrimaryOutcome | None = None  # labels of a finished course only
    chosen_rule: str = NATIONAL  # the clinic's; differs from rule when Swedish falls back

    @property
    def primary_shown_apart(self) -> bool:
        """The primary measure needs its own row (it is not PHQ-9 or the anxiety pair)."""
        return bool(self.primary_code) and self.primary_code not in ("PHQ-9", self.anxiety_code)

    @property
    def national(self) -> bool:
        return self.rule != SWEDISH


def _first_last(responses, code: str) -> tuple[int, int] | None:
    totals = [r.total for r in responses if r.instrument == code and r.total is not None]
    if len(totals) < 2:
        return None
    return totals[0], totals[-1]


def summarise(episode) -> Summary:
    version = episode.programme_version
    primary_code = version.primary_measure_code if version else ""
    codes = {"PHQ-9", GAD7.code, *(m.code for m in ANXIETY_BY_PROBLEM.values()), primary_code}
    responses = list(episode.responses.filter(instrument__in=codes).order_by("submitted_at"))
    measure = anxiety_measure_for(
        version.problem_area if version else "", {r.instrument for r in responses}
    )
    phq9, anxiety = _first_last(responses, "PHQ-9"), _first_last(responses, measure.code)
    primary_scores = _first_last(responses, primary_code) if primary_code else None
    chosen_rule = getattr(episode.clinic, "outcome_rule", NATIONAL) or NATIONAL
    rule = chosen_rule
    if rule == SWEDISH and swedish_percent(primary_code or "-") is None:
        rule = NATIONAL  # the Swedish rule cannot read this measure: the national rules do
    contacts = treatment_contacts(episode)
    result = (
        outcome(
            phq9[0],
            phq9[1],
            anxiety[0],
            anxiety[1],
            measure=measure,
            deterioration_excludes_improvement=True,
        )
        if phq9 and anxiety and rule == NATIONAL
        else None
    )
    # A finished course (>= 2 attended treatment contacts and paired scores, CLINICAL.md
    # §2 ✓): paired on PHQ-9 under the national rules, on the primary measure under the
    # Swedish rule, whose label is read on that measure.
    paired = bool(primary_scores) if rule == SWEDISH else bool(phq9)
    finished = finished_treatment(contacts, paired)
    primary = (
        primary_outcome(primary_code, primary_scores[0], primary_scores[1], rule=rule)
        if finished and primary_scores
        else None
    )
    modules = episode.plan.filter(completed_at__isnull=False, removed_at__isnull=True).count()
    return Summary(
        contacts=contacts,
        modules_completed=modules,
        phq9=phq9,
        anxiety=anxiety,
        finished=finished,
        outcome=result,
        anxiety_code=measure.code,
        rule=rule,
        primary_code=primary_code,
        primary_scores=primary_scores,
        primary=primary,
        chosen_rule=chosen_rule,
    )
