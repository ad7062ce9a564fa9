"""Keep the outcome table up to date: any save that can change an episode's outcome
(a response, a session, a plan entry or change, the episode itself, the application it came
from, the patient's details) queues that episode for a refresh when the transaction commits
(``outcome_table.mark_stale``). Lower apps know nothing of this: the reports app
listens to their models' saves."""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver

from tessera.appointments.models import Appointment
from tessera.core.models import Episode, Patient
from tessera.intake.models import Application
from tessera.treatment.models import PlanChange, PlanEntry, Response
from tessera.workload.signals import time_recorded

from .models import EpisodeOutcome
from .outcome_table import mark_stale


@receiver(post_save, sender=Episode, dispatch_uid="reports.episode")
def episode_saved(sender, instance, **kwargs) -> None:
    mark_stale(instance.pk)


@receiver(post_save, sender=Response, dispatch_uid="reports.response")
@receiver(post_save, sender=Appointment, dispatch_uid="reports.appointment")
@receiver(post_save, sender=PlanEntry, dispatch_uid="reports.plan_entry")
@receiver(post_save, sender=PlanChange, dispatch_uid="reports.plan_change")
@receiver(post_save, sender=Application, dispatch_uid="reports.application")
def episode_record_saved(sender, instance, **kwargs) -> None:
    mark_stale(instance.episode_id)


@receiver(post_save, sender=Patient, dispatch_uid="reports.patient")
def patient_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """A new postal address moves the patient's courses to another uptake area."""
    if created or (update_fields is not None and "address" not in update_fields):
        return
    for episode_id in Episode.objects.filter(patient=instance).values_list("pk", flat=True):
        mark_stale(episode_id)


@receiver(time_recorded, dispatch_uid="reports.time_recorded")
def time_recorded_on_episode(sender, episode_id, seconds, **kwargs) -> None:
    """Therapist time added to (or taken from) a course: added to its outcome row in the
    same transaction (one UPDATE; a heartbeat every 30 seconds never reads the course's
    records again). A course without a row yet gets one from its records, time included
    (decision 0039)."""
    updated = EpisodeOutcome.objects.filter(episode_id=episode_id).update(
        therapist_seconds=F("therapist_seconds") + seconds
    )
    if not updated:
        mark_stale(episode_id)
