"""Telling people of a booked session (issue 20): the patient, and the therapist when
someone else booked it. Through the notification system: each person's own channels and
quiet hours, nothing clinical (the kind and a link only), once per person and booking,
and listed in their notification history."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse

from tessera.appointments.signals import appointment_booked
from tessera.notifications.delivery import notify


@receiver(appointment_booked, dispatch_uid="automation.tell_of_booked_session")
def tell_of_booked_session(sender, appointment, acting_user=None, **kwargs) -> None:
    episode = appointment.episode
    patient_user = episode.patient.user
    if patient_user is not None and patient_user != acting_user:
        notify(
            patient_user,
            "session_booked",
            key=f"session_booked:appointment:{appointment.pk}:{patient_user.pk}",
            link=reverse("my_sessions"),
            params={"appointment": appointment.pk},  # withdrawn if cancelled (still_wanted)
        )
    therapist = appointment.therapist
    if therapist is not None and therapist != acting_user:
        notify(
            therapist,
            "session_booked_with_you",
            key=f"session_booked_with_you:appointment:{appointment.pk}:{therapist.pk}",
            link=reverse("episode_sessions", kwargs={"episode_id": episode.pk}),
            params={"appointment": appointment.pk},
        )
