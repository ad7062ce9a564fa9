"""Who is told about a risk alert at each level of escalation.

- Level 0: the staff marked on call (who of them is told at once is the rota's
  business, ``tessera.core.on_call``; the responsible therapist is added by the caller
  since it is not a role).
- Level 1: the clinic's supervisors.
- Level 2 and above: its clinic managers.
Only active staff are told.
"""

from __future__ import annotations

from tessera.core.roles import Role


def alert_recipient_roles(clinic_id: int, level: int):
    """The ClinicRole rows (not evaluated) of the staff told at this level."""
    from tessera.core.models import ClinicRole

    roles = ClinicRole.objects.filter(clinic_id=clinic_id, user__is_active=True)
    if level == 0:
        return roles.filter(on_call=True)
    if level == 1:
        return roles.filter(role=Role.SUPERVISOR)
    return roles.filter(role=Role.CLINIC_MANAGER)
