"""Treatment contacts of an episode, for the outcome rules.

NHS Talking Therapies counts a course as finished after at least two attended treatment
appointments with paired first and last scores (CLINICAL.md §2; the rule itself is
tessera.instruments.scoring.talking_therapies.finished_treatment). What counts in online
care is decided in docs/decisions/0010-treatment-contacts.md:

- a session that took place (face to face, video or phone; see the appointments app);
  booked, cancelled and missed sessions do not count;
- in guided and blended care, a completed module that the responsible therapist answered
  (``PlanEntry.answered_at``, set when the therapist writes to the patient after it);
- in unguided care, no module: the patient's own work and automated messages are not a
  practitioner's contact.
"""

from __future__ import annotations

from tessera.core.models import Episode
from tessera.instruments.scoring.talking_therapies import finished_treatment

from .models import Appointment


def treatment_contacts(episode) -> int:
    sessions = Appointment.objects.filter(
        episode=episode, status=Appointment.Status.ATTENDED
    ).count()
    if episode.care_model == Episode.CareModel.UNGUIDED:
        return sessions
    modules = episode.plan.filter(
        completed_at__isnull=False, removed_at__isnull=True, answered_at__isnull=False
    ).count()
    return sessions + modules


def has_paired_scores(episode, instrument: str = "PHQ-9") -> bool:
    return episode.responses.filter(instrument=instrument).count() >= 2


def counts_as_finished(episode) -> bool:
    return finished_treatment(treatment_contacts(episode), has_paired_scores(episode))
