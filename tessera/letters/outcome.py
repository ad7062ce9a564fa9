"""The outcome summary of an episode, as an end-of-treatment letter states it.

First and last PHQ-9 and GAD-7 totals, and the NHS Talking Therapies reading of them
(caseness, recovery, reliable improvement and deterioration; the rules and their source
are in tessera/instruments/scoring/talking_therapies.py), with the number of treatment
contacts (tessera/appointments/contacts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.appointments.contacts import treatment_contacts
from tessera.instruments.scoring.talking_therapies import Outcome, finished_treatment, outcome


@dataclass(frozen=True)
class Summary:
    contacts: int
    modules_completed: int
    phq9: tuple[int, int] | None
    gad7: tuple[int, int] | None
    finished: bool
    outcome: Outcome | None


def _first_last(responses, code: str) -> tuple[int, int] | None:
    totals = [r.total for r in responses if r.instrument == code and r.total is not None]
    if len(totals) < 2:
        return None
    return totals[0], totals[-1]


def summarise(episode) -> Summary:
    responses = list(
        episode.responses.filter(instrument__in=["PHQ-9", "GAD-7"]).order_by("submitted_at")
    )
    phq9, gad7 = _first_last(responses, "PHQ-9"), _first_last(responses, "GAD-7")
    contacts = treatment_contacts(episode)
    result = outcome(phq9[0], phq9[1], gad7[0], gad7[1]) if phq9 and gad7 else None
    modules = episode.plan.filter(completed_at__isnull=False, removed_at__isnull=True).count()
    return Summary(
        contacts=contacts,
        modules_completed=modules,
        phq9=phq9,
        gad7=gad7,
        finished=finished_treatment(contacts, bool(phq9)),
        outcome=result,
    )
