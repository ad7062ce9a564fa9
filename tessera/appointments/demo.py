"""Demo: the blended clinic's patient has had one face-to-face session and has a video
session booked next week, which they have asked to move to an afternoon."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from .actions import (
    do_ask_to_change_session,
    do_book_appointment,
    do_change_care_model,
    do_record_session,
)
from .models import Appointment, ChangeRequest


def clinic_hour(clinic, days: int, hour: int) -> dt.datetime:
    """``days`` from today in the clinic's own calendar, at ``hour`` o'clock there: a demo
    session falls in working hours whatever the hour the demo is seeded (seeded after
    midnight, the sessions were booked for one in the morning)."""
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def seed(ctx) -> None:
    patient = ctx.patients.get("patient7")
    therapist = ctx.staff.get("canal.therapist")
    if patient is None or therapist is None:
        return
    episode = patient.episodes.order_by("-created_at").first()
    if episode is None or Appointment.objects.filter(episode=episode).exists():
        return
    if episode.care_model != "blended":
        do_change_care_model(
            episode, acting_user=therapist, to_model="blended", reason="Blended care clinic"
        )
    first = do_book_appointment(
        episode,
        acting_user=therapist,
        therapist=therapist,
        kind=Appointment.Kind.FACE_TO_FACE,
        starts_at=clinic_hour(episode.clinic, -6, 10),
        place="Canal Blended Care, room 2",
    )
    do_record_session(
        first,
        acting_user=therapist,
        status=Appointment.Status.ATTENDED,
        note="Went through the activity diary; agreed two small activities for the week.",
    )
    coming = do_book_appointment(
        episode,
        acting_user=therapist,
        therapist=therapist,
        kind=Appointment.Kind.VIDEO,
        starts_at=clinic_hour(episode.clinic, 8, 9),  # a morning: they ask for an afternoon
        minutes=30,
        video_link="https://video.example.org/canal-room-2",
    )
    # The patient has asked to move it (issue 14): the therapist sees the request.
    do_ask_to_change_session(
        coming,
        acting_user=patient.user,
        kind=ChangeRequest.Kind.MOVE,
        note="Could we move it to the afternoon? Any day after 15:00 works for me.",
    )
