"""Taking an episode's record out of Tessera (FHIR document, PDF summary).

In words:
- A patient may download their own episodes (their right to data portability), and
  nobody else's.
- Staff may download an episode their own roles show them (the responsible therapist,
  clinic-wide roles at its clinic, staff on call for an episode with an open alert).
  A colleague who only reads the case through a consultation grant may not: a
  consultation is for advice, not for taking the record elsewhere.
- Staff without a second factor see no patient data, so download nothing.
"""

from __future__ import annotations

from .base import may_see_patient_data
from .patients import episode_in_own_scope


def may_export_episode(user, episode) -> bool:
    if not may_see_patient_data(user):
        return False
    if episode.patient.user_id is not None and episode.patient.user_id == user.pk:
        return True
    return user.is_staff_member and episode_in_own_scope(user, episode)
