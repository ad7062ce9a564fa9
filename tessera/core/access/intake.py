"""Intake: applications for care.

- An applicant sees their own applications.
- Intake coordinators, assessors and clinic managers (INTAKE_ROLES) see the applications
  sent to their clinic once they are submitted (a draft is the applicant's own), and only
  with a second factor. Nobody else sees them.
- Staff on call for risk at a clinic also see its submitted applications marked urgent
  (to read them and call the applicant); they work on them only if they hold an intake
  role there too.
- Assessors and clinic managers (ASSESS_ROLES) assess and decide.
- Declining before an assessment is a clinical judgement: only a clinician of the clinic
  (an assessor, supervisor or therapist; DECLINE_UNASSESSED_ROLES) or a clinic manager
  may do it. An intake coordinator who is not one refers on or books an assessment.
- An assessment is booked with one of the clinic's assessors.
- The care team of an episode reads how its patient came in (the application's source
  and referrer, its screening totals, the assessment with its working diagnoses, the
  programme chosen and why) on the patient overview, without an intake role: the
  responsible therapist (at a clinic where they are a therapist) and the clinic-wide
  clinical roles of the episode's clinic (intake coordinators, assessors, supervisors,
  clinic managers), with a second factor (``may_read_how_they_came_in``). A colleague
  consulted on the case, staff on call reading an alert and study staff do not: the
  application is the care team's. Opening the full application stays with the roles
  above (``may_triage``).
- An urgent application is told at once to the clinic's intake staff and to its staff
  on call (``urgent_application_recipients``); any of them may acknowledge it
  (``may_acknowledge_urgent``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tessera.core.roles import Role

from .base import _active, clinic_ids_with_roles, may_see_patient_data, on_call_clinic_ids
from .patients import in_a_role_arm

# Roles that work the intake queue of their clinic.
INTAKE_ROLES = frozenset({Role.INTAKE_COORDINATOR, Role.ASSESSOR, Role.CLINIC_MANAGER})
# Roles that assess an application and decide on it.
ASSESS_ROLES = (Role.ASSESSOR, Role.CLINIC_MANAGER)
# Roles that may decline an application nobody has assessed yet.
DECLINE_UNASSESSED_ROLES = (Role.ASSESSOR, Role.SUPERVISOR, Role.THERAPIST, Role.CLINIC_MANAGER)


def has_intake_queue(user) -> bool:
    """Whether the intake queue is for the user (no query: roles are cached)."""
    return bool(clinic_ids_with_roles(user, INTAKE_ROLES))


def intake_clinic_ids(user) -> set[int]:
    """Clinics whose submitted applications the user may see and triage."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, INTAKE_ROLES)


def urgent_application_clinic_ids(user) -> set[int]:
    """Clinics whose urgent submitted applications the user may read: where they hold an
    intake role or are on call for risk (with a second factor)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return intake_clinic_ids(user) | on_call_clinic_ids(user)


def applications_visible_to(user, qs: QuerySet) -> QuerySet:
    """The applicant's own applications, the submitted applications of the clinics where
    the user holds an intake role, and the urgent ones where they are on call (with a
    second factor)."""
    if not _active(user):
        return qs.none()
    scope = Q(applicant=user)
    clinics = intake_clinic_ids(user)
    if clinics:
        scope |= Q(clinic_id__in=clinics) & ~Q(status="draft")
    on_call = urgent_application_clinic_ids(user) - clinics
    if on_call:
        scope |= Q(clinic_id__in=on_call, urgent=True) & ~Q(status="draft")
    return qs.filter(scope)


def may_read_how_they_came_in(user, episode) -> bool:
    """Whether the user reads the "How they came in" summary of the episode's
    application: its therapist (where they are one) or a clinic-wide clinical role at its
    clinic, with a second factor. The role arms of the own scope, answered from the
    episode's two columns and the request's roles: no query (``in_a_role_arm``)."""
    return in_a_role_arm(user, episode)


def may_triage(user, application) -> bool:
    """Intake coordinators, assessors and clinic managers of the application's clinic."""
    return application.clinic_id in intake_clinic_ids(user)


def may_decline_unassessed(user, application) -> bool:
    """Whether the user may decline the application before anyone has assessed it."""
    return application.clinic_id in clinic_ids_with_roles(user, DECLINE_UNASSESSED_ROLES)


def may_acknowledge_urgent(user, application) -> bool:
    """Whoever is told about an urgent application may say they are dealing with it: the
    clinic's intake coordinators, assessors and managers and its staff on call (with a
    second factor)."""
    return application.clinic_id in urgent_application_clinic_ids(user)


def urgent_application_recipients(clinic_id: int):
    """The ClinicRole rows (not evaluated) of active staff told about an urgent
    application: the clinic's intake roles and its staff on call."""
    from tessera.core.models import ClinicRole

    return ClinicRole.objects.filter(clinic_id=clinic_id, user__is_active=True).filter(
        Q(role__in=INTAKE_ROLES) | Q(on_call=True)
    )


def urgent_acknowledgement_holds(at: dt.datetime | None = None) -> Exists | Q:
    """A condition over Application rows: whoever acknowledged the urgent application is
    still among those told about it (active, with an intake role at its clinic or on call
    there) and not on leave there at ``at`` (now; the clinic's calendar). One who left,
    lost the role or is away holds nobody to it: it is passed on as if never acknowledged
    (``tessera.intake.actions.escalate_overdue_urgent``); someone away would not act on
    it, and nobody else would be told (decision 0160, as ``acknowledgement_holds``)."""
    from tessera.core.models import ClinicRole

    from .safety import acknowledger_away

    holds = Exists(
        ClinicRole.objects.filter(
            clinic_id=OuterRef("clinic_id"),
            user_id=OuterRef("urgent_acknowledged_by_id"),
            user__is_active=True,
        ).filter(Q(role__in=INTAKE_ROLES) | Q(on_call=True))
    )
    away = acknowledger_away(at or timezone.now(), "urgent_acknowledged_by_id")
    return holds if away is None else holds & ~away


# An applicant writes about a sent application until treatment starts (then the course's
# messages take over); not about a draft or an application found to be a duplicate.
APPLICANT_MESSAGES_CLOSED = frozenset({"draft", "duplicate"})


def may_write_to_clinic(user, application) -> bool:
    """The applicant, about a sent application not yet turned into treatment."""
    return (
        application.applicant_id == user.pk
        and application.status not in APPLICANT_MESSAGES_CLOSED
        and application.started_at is None
    )


def applicant_message_recipients(clinic_id: int) -> list:
    """Who is told that an applicant wrote: the clinic's active intake coordinators, or,
    where it has none, everyone in one of its intake roles (users, each once)."""
    from tessera.core.models import ClinicRole

    roles = ClinicRole.objects.filter(
        clinic_id=clinic_id, user__is_active=True, role__in=INTAKE_ROLES
    ).select_related("user")
    coordinators = [r.user for r in roles if r.role == Role.INTAKE_COORDINATOR]
    return sorted(set(coordinators or [r.user for r in roles]), key=lambda user: user.pk)


def may_assess(user, application) -> bool:
    """Assessors and clinic managers of the application's clinic assess and decide."""
    return application.clinic_id in clinic_ids_with_roles(user, ASSESS_ROLES)


def assessors(clinic):
    """Active staff who may assess at the clinic (a User queryset)."""
    from tessera.core.models import User

    return User.objects.filter(
        clinic_roles__clinic=clinic, clinic_roles__role=Role.ASSESSOR, is_active=True
    ).distinct()
