"""The outcome summary of an episode, as an end-of-treatment letter states it.

First and last PHQ-9 totals and those of the anxiety measure paired with it (the
programme's problem-specific measure when the patient answered it: PDSS-SR for panic,
SPIN for social anxiety, IES-R for PTSD; else GAD-7), and the NHS Talking Therapies
reading of them (caseness, recovery, reliable improvement and deterioration, the last two
exclusive as the national definition states; the rules and their source are in
tessera/instruments/scoring/talking_therapies.py), with the number of treatment contacts
(tessera/appointments/contacts.py). Labels only for a finished course.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.appointments.contacts import treatment_contacts
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


def _first_last(responses, code: str) -> tuple[int, int] | None:
    totals = [r.total for r in responses if r.instrument == code and r.total is not None]
    if len(totals) < 2:
        return None
    return totals[0], totals[-1]


def summarise(episode) -> Summary:
    codes = ["PHQ-9", GAD7.code, *(m.code for m in ANXIETY_BY_PROBLEM.values())]
    responses = list(episode.responses.filter(instrument__in=codes).order_by("submitted_at"))
    version = episode.programme_version
    measure = anxiety_measure_for(
        version.problem_area if version else "", {r.instrument for r in responses}
    )
    phq9, anxiety = _first_last(responses, "PHQ-9"), _first_last(responses, measure.code)
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
        if phq9 and anxiety
        else None
    )
    modules = episode.plan.filter(completed_at__isnull=False, removed_at__isnull=True).count()
    return Summary(
        contacts=contacts,
        modules_completed=modules,
        phq9=phq9,
        anxiety=anxiety,
        finished=finished_treatment(contacts, bool(phq9)),
        outcome=result,
        anxiety_code=measure.code,
    )
