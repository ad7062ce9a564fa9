"""Writes to episodes of care: atomic and audited."""

from __future__ import annotations

from django.db import transaction

from tessera.core import access, audit

from .models import Episode


@transaction.atomic
def do_open_episode(
    patient,
    clinic,
    *,
    acting_user=None,
    status=Episode.Status.INTAKE,
    therapist=None,
    care_model=Episode.CareModel.GUIDED,
) -> Episode:
    episode = Episode.objects.create(
        patient=patient, clinic=clinic, status=status, therapist=therapist, care_model=care_model
    )
    audit.record(
        "episode.opened",
        actor=acting_user,
        clinic=clinic,
        patient=patient,
        obj=episode,
        purpose="intake",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"status": status, "therapist": therapist.pk if therapist else None},
    )
    return episode
