"""Reports (tessera.reports): outcomes, the implementation dashboard and exports.

- A therapist sees the outcomes of their own caseload (the episodes they are, or were,
  responsible for) at the clinics where they work as a therapist.
- Supervisors see their team's outcomes and clinic managers their clinic's: every
  episode of the clinic, and the per-episode outcome table.
- Region administrators see the clinics of their region in aggregate only (no row that
  names a patient), with numbers under five suppressed.
- The implementation dashboard and the quarterly report are for clinic managers (their
  clinic) and region administrators (their region's clinics, suppressed).
- Staff see none of it until they have a second factor.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import _active, all_roles, clinic_ids_with_roles, may_see_patient_data, region_role_ids

OUTCOME_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER})
CLINIC_OUTCOME_ROLES = frozenset({Role.SUPERVISOR, Role.CLINIC_MANAGER})
SMALL_NUMBER = 5  # counts below this are suppressed beyond one clinic


def _staff(user) -> bool:
    return _active(user) and may_see_patient_data(user) and user.is_staff_member


def own_outcome_clinic_ids(user) -> set[int]:
    """Clinics where the user sees the outcomes of their own caseload (therapists)."""
    if not _staff(user):
        return set()
    return clinic_ids_with_roles(user, [Role.THERAPIST])


def clinic_outcome_ids(user) -> set[int]:
    """Clinics whose every episode's outcome the user sees (supervisors, managers)."""
    if not _staff(user):
        return set()
    return clinic_ids_with_roles(user, CLINIC_OUTCOME_ROLES)


def dashboard_clinic_ids(user) -> set[int]:
    """Clinics whose implementation dashboard and quarterly reports the user sees
    unsuppressed: their clinic managers."""
    if not _staff(user):
        return set()
    return clinic_ids_with_roles(user, [Role.CLINIC_MANAGER])


def region_report_ids(user) -> set[int]:
    """Regions whose clinics the user sees in aggregate, suppressed (region admins);
    read once per request."""
    if not _staff(user):
        return set()
    return set(region_role_ids(user))


def region_register_ids(user) -> set[int]:
    """Regions whose courses the user may export to a quality register, row by row and
    pseudonymised (the register's own key), in the background: their region
    administrators. Clinic staff export their own clinic from its page instead."""
    return region_report_ids(user)


def has_reports(user) -> bool:
    """Whether the "Reports" menu entry is for the user: no query for clinic staff
    (their roles are cached), one for anyone else who may be a region administrator."""
    if not _staff(user):
        return False
    return bool(all_roles(user) & OUTCOME_ROLES) or bool(region_report_ids(user))
