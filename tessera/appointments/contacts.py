"""Treatment contacts of an episode, for the outcome rules.

NHS Talking Therapies counts a course as finished after at least two treatment contacts
with paired first and last scores (CLINICAL.md §2; the rule itself is
tessera.instruments.scoring.talking_therapies.finished_treatment). In Tessera a
treatment contact is a session that took place (face to face, video or phone; see the
appointments app) or an online module the patient completed. Booked, cancelled and
missed sessions do not count.
"""

from __future__ import annotations

from tessera.instruments.scoring.talking_therapies import finished_treatment

from .models import Appointment


def treatment_contacts(episode) -> int:
    sessions = Appointment.objects.filter(
        episode=episode, status=Appointment.Status.ATTENDED
    ).count()
    modules = episode.plan.filter(completed_at__isnull=False, removed_at__isnull=True).count()
    return sessions + modules


def has_paired_scores(episode, instrument: str = "PHQ-9") -> bool:
    return episode.responses.filter(instrument=instrument).count() >= 2


def counts_as_finished(episode) -> bool:
    return finished_treatment(treatment_contacts(episode), has_paired_scores(episode))
