"""Hand-overs between apps that sit side by side and do not import each other."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse

from tessera.appointments.models import Appointment, ChangeRequest
from tessera.appointments.signals import session_change_asked
from tessera.notifications.delivery import notify
from tessera.notifications.texts import register_still_wanted


@receiver(session_change_asked, dispatch_uid="portal.tell_therapist_session_change")
def tell_therapist(sender, request, **kwargs) -> None:
    """The session's therapist is told that a patient asked to change a session, with a
    link to the episode's sessions; never which patient or why."""
    appointment = request.appointment
    notify(
        appointment.therapist,
        "session_change_asked",
        key=f"session_change:{request.pk}:{request.asked_at.timestamp():.0f}",
        link=reverse("episode_sessions", args=[appointment.episode_id]),
        params={"request": request.pk},  # withdrawn once dealt with (below; decision 0105)
    )


@register_still_wanted("session_change_asked")
def _still_asked(row) -> bool:
    """Not once the request was dealt with, or its session cancelled (which closes it) or
    held, before the notice went: there is nothing left to do (decision 0105)."""
    if "request" not in row.params:
        return True
    return (
        ChangeRequest.objects.open()
        .filter(pk=row.params["request"], appointment__status=Appointment.Status.BOOKED)
        .exists()
    )
