"""Running clinics: their settings, staff and audit trail.

- Clinic managers manage their clinic; region administrators manage every clinic of
  their region.
- Only clinic managers search their clinic's audit trail.
- Failed notifications are seen by the managers and region administrators; the urgent
  ones (risk alerts, urgent applications) also by the clinic's staff on call.
- Security events (no clinical content) are seen by clinic managers for their clinic and
  by region administrators for every clinic of their region.
- A removal already made (a second click on "Remove") is said to be so to the person who
  made it, and, for a clinic's settings and staff, to whoever may make it at that clinic;
  to anyone else the thing is one never theirs.
"""

from __future__ import annotations

from django.db.models import Q

from tessera.core.roles import Role

from .base import clinic_ids_with_roles, may_see_patient_data, on_call_clinic_ids, region_role_ids


def managed_clinic_ids(user) -> set[int]:
    """Clinics whose settings and audit trail the user may manage."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    from tessera.core.models import Clinic

    ids = clinic_ids_with_roles(user, [Role.CLINIC_MANAGER])
    regions = region_role_ids(user)
    if regions:
        ids |= set(Clinic.objects.filter(region_id__in=regions).values_list("id", flat=True))
    return ids


def sees_clinic_list(user) -> bool:
    """Whether the menu links the clinic list: clinic managers, and region administrators
    even before their region has a clinic (they create the first one there). One query,
    shared with every other look-up of the user's regions in the request."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    if clinic_ids_with_roles(user, [Role.CLINIC_MANAGER]):
        return True
    return bool(region_role_ids(user))


def delivery_failure_clinic_ids(user) -> set[int]:
    """Clinics whose failed notifications the user may see (to reach the person another
    way): their managers, and the administrators of the clinic's region (as for the
    clinic's settings). Rows concerning no clinic go to the region's administrators when
    the person holds a region role there, else to the service's operators
    (``manage.py failed_notifications``; docs/operations.md, "E-mail")."""
    return managed_clinic_ids(user)


def urgent_delivery_failure_clinic_ids(user) -> set[int]:
    """Clinics whose failed *urgent* notifications (a risk alert, an urgent application)
    the user may see: the ones above, and the clinics where they are on call, so that a
    patient at risk whose therapist was never told is seen by the person on call."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return on_call_clinic_ids(user) | delivery_failure_clinic_ids(user)


def sees_failed_notifications_link(user) -> bool:
    """Whether the menu links the failed-notifications page: the staff on call, whose
    urgent rows (a risk alert, an urgent application never delivered) are there and who
    have no other way to it (managers and region administrators reach it from the audit
    trail). No query: the on-call roles are cached on the user."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    return bool(on_call_clinic_ids(user))


def security_event_clinic_ids(user) -> set[int]:
    """Clinics whose security events the user may see: their managers, and the region's
    administrators (a burst across clinics is a region's concern)."""
    return managed_clinic_ids(user)


def may_change_therapist(user, episode) -> bool:
    """Whether the user may give this episode to another therapist: the staff
    administrators of its clinic, as for handing over a leaver's caseload (the same
    ``staff_admin_clinic_ids``); never a therapist as such, nor another clinic's manager."""
    return episode.clinic_id in staff_admin_clinic_ids(user)


def may_record_leave(user, clinic_id: int, person) -> bool:
    """Whether the user may record, end or remove ``person``'s leave at this clinic: its
    staff administrators, and the person themself while they work there (decision 0146).
    Who is told of a risk alert while they are away follows it, so nobody else may."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    if clinic_id in staff_admin_clinic_ids(user):
        return True
    return person.pk == user.pk and clinic_id in clinic_ids_with_roles(user, list(Role))


def audit_clinic_ids(user) -> set[int]:
    """Clinics whose audit trail the user may search: clinic managers only."""
    if not may_see_patient_data(user):
        return set()
    return clinic_ids_with_roles(user, [Role.CLINIC_MANAGER])


def staff_admin_clinic_ids(user) -> set[int]:
    """Clinics whose staff the user may invite, give roles, change and offboard: the
    clinics they manage, and every clinic of a region they administer (appointing its
    managers)."""
    return managed_clinic_ids(user)


def administered_region_ids(user) -> set[int]:
    """Regions in which the user may create clinics (region administrators)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return set(region_role_ids(user))


def _removers(action: str):
    """Who besides its maker may make a removal recorded as ``action``, by clinic."""
    return {
        "staff.role_removed": staff_admin_clinic_ids,
        "staff.leave_removed": staff_admin_clinic_ids,  # who records a colleague's leave
        "clinic.crisis_contact_removed": managed_clinic_ids,
        "clinic.on_call_shift_removed": managed_clinic_ids,
        "clinic.measure_removed": managed_clinic_ids,
    }.get(action)


def may_know_removed_q(user, action: str) -> Q:
    """The removals (audit events of ``action``) the user may be told were already made:
    their own, and those made at a clinic where they may make the same removal (another
    manager clicked first). A second "Remove" of one of these says it was removed; of
    anything else it stays a denial, for a thing that was never theirs."""
    q = Q(actor_id=user.pk)
    clinic_ids = _removers(action)
    if clinic_ids is not None:
        q |= Q(clinic_id__in=clinic_ids(user))
    return q
