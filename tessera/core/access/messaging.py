"""Who writes in an episode's conversation.

- The patient of the episode while it is open; after it ends, until its read-only date
  (``read_only_from``, set when the episode is ended), in the clinic's time zone; and
  only when the episode has a responsible therapist, so that a message always reaches a
  person (in unguided care without one, nobody would read it: issue 14).
- Staff whose own roles show them the episode. A colleague consulted on the case reads
  the conversation but does not write to the patient.
"""

from __future__ import annotations

import zoneinfo

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


def may_write_message(user, episode) -> bool:
    """The patient of the episode while it is open (or ended but not yet read-only) and
    someone reads it (a responsible therapist); staff whose own roles show them the
    episode."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_patient_of(user, episode):
        return episode.therapist_id is not None and _patient_may_still_write(episode)
    return user.is_staff_member and episode_in_own_scope(user, episode)
