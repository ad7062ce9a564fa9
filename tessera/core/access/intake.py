"""Intake: applications for care.

- An applicant sees their own applications.
- Intake coordinators, assessors and clinic managers (INTAKE_ROLES) see the applications
  sent to their clinic once they are submitted (a draft is the applicant's own), and only
  with a second factor. Nobody else sees them.
- Assessors and clinic managers (ASSESS_ROLES) assess and decide.
- An assessment is booked with one of the clinic's assessors.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tessera.core.roles import Role

from .base import _active, clinic_ids_with_roles, may_see_patient_data

# Roles that work the intake queue of their clinic.
INTAKE_ROLES = frozenset({Role.INTAKE_COORDINATOR, Role.ASSESSOR, Role.CLINIC_MANAGER})
# Roles that assess an application and decide on it.
ASSESS_ROLES = (Role.ASSESSOR, Role.CLINIC_MANAGER)


def has_intake_queue(user) -> bool:
    """Whether the intake queue is for the user (no query: roles are cached)."""
    return bool(clinic_ids_with_roles(user, INTAKE_ROLES))


def intake_clinic_ids(user) -> set[int]:
    """Clinics whose submitted applications the user may see and triage."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, INTAKE_ROLES)


def applications_visible_to(user, qs: QuerySet) -> QuerySet:
    """The applicant's own applications, and the submitted applications of the clinics
    where the user holds an intake role (with a second factor)."""
    if not _active(user):
        return qs.none()
    scope = Q(applicant=user)
    clinics = intake_clinic_ids(user)
    if clinics:
        scope |= Q(clinic_id__in=clinics) & ~Q(status="draft")
    return qs.filter(scope)


def may_assess(user, application) -> bool:
    """Assessors and clinic managers of the application's clinic assess and decide."""
    return application.clinic_id in clinic_ids_with_roles(user, ASSESS_ROLES)


def assessors(clinic):
    """Active staff who may assess at the clinic (a User queryset)."""
    from tessera.core.models import User

    return User.objects.filter(
        clinic_roles__clinic=clinic, clinic_roles__role=Role.ASSESSOR, is_active=True
    ).distinct()
