"""Who is told about an alert at each level of escalation."""

from __future__ import annotations

from tessera.core import access
from tessera.core.models import User


def for_level(alert, level: int) -> list[User]:
    """Level 0: the responsible therapist and the clinic's on-call staff (in unguided care,
    where there is no therapist, the on-call staff alone). Level 1: the clinic's
    supervisors. Level 2: its clinic managers."""
    clinic_id = alert.episode.clinic_id
    roles = access.alert_recipient_roles(clinic_id, level).select_related("user")
    users = {r.user for r in roles}
    if level == 0 and alert.episode.therapist_id and alert.episode.therapist.is_active:
        users.add(alert.episode.therapist)
    return sorted(users, key=lambda u: u.pk)
