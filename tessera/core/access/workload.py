"""Time and workload (tessera.workload): figures about staff, not patient records.

- A therapist sees their own workload at the clinics where they work as a therapist.
- Supervisors and clinic managers see their clinic's team workload (every therapist's
  caseload, time and reply times).
- Time on an episode is added or corrected by hand by the staff member it belongs to, if
  they may see the episode, or by a supervisor or clinic manager of its clinic for the
  clinic's clinical staff.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import all_roles, clinic_ids_with_roles, may_see_patient_data
from .patients import episode_is_visible

WORKLOAD_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER})
# Whose time a supervisor or manager corrects: the clinic's clinical staff.
TIME_STAFF_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER, Role.ASSESSOR})


def has_workload(user) -> bool:
    """Whether the "Workload" page is for the user (no query: roles are cached)."""
    return bool(all_roles(user) & WORKLOAD_ROLES)


def own_workload_clinic_ids(user) -> set[int]:
    """Clinics where the user works as a therapist: their own workload there."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.THERAPIST])


def workload_clinic_ids(user) -> set[int]:
    """Clinics whose team workload (every therapist's caseload, time and reply times) the
    user may see: the clinic's supervisors and clinic managers."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.SUPERVISOR, Role.CLINIC_MANAGER])


def may_correct_time(user, episode, staff_member) -> bool:
    """Time on an episode is added or corrected by hand by the staff member it belongs to,
    if they may see the episode, or by a supervisor or clinic manager of its clinic (for
    staff of that clinic)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    if staff_member.pk == user.pk:
        return episode_is_visible(user, episode)
    if episode.clinic_id not in workload_clinic_ids(user):
        return False
    return staff_member.clinic_roles.filter(clinic_id=episode.clinic_id).exists()


def time_staff_roles(clinic_id: int):
    """The ClinicRole rows of the staff whose time a supervisor or manager of the clinic
    may correct (not evaluated)."""
    from tessera.core.models import ClinicRole

    return ClinicRole.objects.filter(clinic_id=clinic_id, role__in=list(TIME_STAFF_ROLES))
