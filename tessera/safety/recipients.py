"""Who is told about an alert at each level of escalation."""

from __future__ import annotations

from tessera.core.models import ClinicRole, User
from tessera.core.roles import Role


def for_level(alert, level: int) -> list[User]:
    """Level 0: the responsible therapist and the clinic's on-call staff (in unguided care,
    where there is no therapist, the on-call staff alone). Level 1: the clinic's
    supervisors. Level 2: its clinic managers."""
    clinic_id = alert.episode.clinic_id
    roles = ClinicRole.objects.filter(clinic_id=clinic_id, user__is_active=True)
    if level == 0:
        users = {r.user for r in roles.filter(on_call=True).select_related("user")}
        if alert.episode.therapist_id and alert.episode.therapist.is_active:
            users.add(alert.episode.therapist)
    elif level == 1:
        users = {r.user for r in roles.filter(role=Role.SUPERVISOR).select_related("user")}
    else:
        users = {r.user for r in roles.filter(role=Role.CLINIC_MANAGER).select_related("user")}
    return sorted(users, key=lambda u: u.pk)
