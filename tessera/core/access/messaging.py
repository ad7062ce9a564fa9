"""Who writes in an episode's conversation.

- The patient of the episode while it is open; after it ends, until its read-only date
  (``read_only_from``, set when the episode is ended), in the clinic's time zone; and
  only when the episode has a responsible therapist, so that a message always reaches a
  person (in unguided care without one, nobody would read it: issue 14).
- Staff whose own roles show them the episode, while it is the conversation the patient
  reads: the patient's messages page shows their open course, else their latest one, so
  an ended course's conversation is no longer written in once the patient has a later
  course (it was sent, notified, and never shown to them; decision 0148). A colleague
  consulted on the case reads the conversation but does not write to the patient.
"""

from __future__ import annotations

import zoneinfo

from django.db.models import Q
from django.utils import timezone

from .patients import episode_in_own_scope


def _is_patient_of(user, episode) -> bool:
    return episode.patient.user_id is not None and episode.patient.user_id == user.pk


def _patient_may_still_write(episode) -> bool:
    if episode.status != "ended":
        return True
    if episode.read_only_from is None:
        return False
    today = timezone.localtime(timezone=zoneinfo.ZoneInfo(episode.clinic.time_zone)).date()
    return today < episode.read_only_from


def patient_reads_elsewhere(episode) -> bool:
    """Whether the patient's messages page shows another course than this ended one (a
    later course, here or at another clinic): what is written here would not reach them
    (``messaging.views._patient_episode`` shows the open course, else the latest)."""
    from tessera.core.models import Episode

    if episode.status != "ended":
        return False
    user_id = episode.patient.user_id
    mine = Q(patient__user_id=user_id) if user_id is not None else Q(patient_id=episode.patient_id)
    later = ~Q(status="ended") | Q(created_at__gt=episode.created_at)
    return Episode.objects.filter(mine, later).exclude(pk=episode.pk).exists()


def may_read_earlier_conversation(user, episode) -> bool:
    """The patient of this ended course, once their messages page shows another (a
    later course): they read its conversation, never write in it (decision 0151)."""
    if not getattr(user, "is_authenticated", False) or not _is_patient_of(user, episode):
        return False
    return patient_reads_elsewhere(episode)


def may_read_other_open_conversation(user, episode) -> bool:
    """The patient of this open course while their messages page shows another open
    course (two at once: referred to another clinic while this one is still open; the
    page shows the newest, ``plans.patient_episode``): they read its conversation and
    mark it read, on the page of a course not shown (decision 0154, follow-up)."""
    from tessera.core.models import Episode

    if not getattr(user, "is_authenticated", False) or not _is_patient_of(user, episode):
        return False
    if episode.status == "ended":
        return False
    shown = (
        Episode.objects.filter(patient__user_id=user.pk)
        .exclude(status="ended")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return shown is not None and shown != episode.pk


def may_write_message(user, episode) -> bool:
    """The patient of the episode while it is open (or ended but not yet read-only) and
    someone reads it (a responsible therapist); staff whose own roles show them the
    episode, unless the patient now reads a later course's conversation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_patient_of(user, episode):
        return episode.therapist_id is not None and _patient_may_still_write(episode)
    return (
        user.is_staff_member
        and episode_in_own_scope(user, episode)
        and not patient_reads_elsewhere(episode)
    )
