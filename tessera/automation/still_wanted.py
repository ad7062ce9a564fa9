"""Whether a reminder or a booking notice written by automation is still to be sent when
it comes due (``tessera.notifications.texts.STILL_WANTED``; decision 0105).

A reminder written at night waits for the patient's quiet hours to end, and a failed one
is tried again for up to an hour and a half; in between, what it was about may have
ended: the questionnaire answered, cancelled or expired, the module removed from the plan
(or a programme switched), the episode ended, the session cancelled. Then it is withdrawn,
not sent. Each check reads the ids the row carries in ``params`` (one query); a row
written before they were kept there is sent as before.
"""

from __future__ import annotations

from django.utils import timezone

from tessera.appointments.models import Appointment
from tessera.core.models import Episode
from tessera.notifications.texts import register_still_wanted
from tessera.treatment.models import DueMeasure, PlanEntry


@register_still_wanted("reminder_questionnaire")
def questionnaire_still_open(row) -> bool:
    if "due" not in row.params:
        return True
    return DueMeasure.objects.open_now(timezone.now()).filter(pk=row.params["due"]).exists()


@register_still_wanted("reminder_module")
def module_still_next(row) -> bool:
    if "entry" not in row.params:
        return True
    return (
        PlanEntry.objects.current()
        .filter(
            pk=row.params["entry"],
            started_at__isnull=True,
            episode__status=Episode.Status.ACTIVE,
        )
        .exists()
    )


@register_still_wanted("reminder_inactive")
def episode_still_active(row) -> bool:
    if "episode" not in row.params:
        return True
    return Episode.objects.filter(pk=row.params["episode"], status=Episode.Status.ACTIVE).exists()


@register_still_wanted("session_booked", "session_booked_with_you")
def session_still_booked(row) -> bool:
    if "appointment" not in row.params:
        return True
    booked = Appointment.objects.filter(
        pk=row.params["appointment"], status=Appointment.Status.BOOKED
    )
    if row.kind == "session_booked_with_you":
        booked = booked.filter(therapist_id=row.recipient_id)
    return booked.exists()
