"""Consultation requests and supervision.

- A request and its comments are seen only by its two sides: the asker (while they hold
  a clinical role at the episode's clinic), and the colleague it was addressed to, or,
  for a request to "the supervisor", every supervisor of the episode's clinic. Nobody
  else, not the patient's other staff, not clinic managers.
- Supervision (following a case, supervision notes) is for the supervisors of the
  episode's clinic; notes are also seen by the episode's responsible therapist.
The grant a live request gives the colleague is an extra episode scope (``scopes``).
"""

from __future__ import annotations

from django.db.models import Q

from tessera.core.id_lists import among_ids
from tessera.core.roles import CLINICAL_ROLES, Role

from .base import all_roles, clinic_ids_with_roles, has_clinical_role, may_see_patient_data


def _nothing() -> Q:
    return Q(pk__in=[])


def has_consultations(user) -> bool:
    """Whether the consultation pages are for the user (no query: roles are cached)."""
    return has_clinical_role(user)


def has_supervision(user) -> bool:
    return Role.SUPERVISOR in all_roles(user)


def requests_asked_by_q(user) -> Q:
    """A Q over ConsultationRequest: asked by the user, while they hold a clinical role at
    the episode's clinic."""
    clinics = clinic_ids_with_roles(user, CLINICAL_ROLES)
    return Q(_among_clinics(clinics), asker=user) if clinics else _nothing()


def _among_clinics(clinic_ids):
    """The requests' episodes at these clinics, the clinics only filtering
    (``among_ids``: the episode read by key for each request of the user): as an
    index condition the planner read the clinics' whole range of episodes for a
    user's few requests, or none (issue 16, decision 0083)."""
    return among_ids("episode__clinic_id", clinic_ids)


def requests_asked_of_q(user) -> Q:
    """A Q over ConsultationRequest: addressed to the user by name (while they hold a
    clinical role there), or to the supervisors of a clinic they supervise (not their own
    requests)."""
    clinical = clinic_ids_with_roles(user, CLINICAL_ROLES)
    supervising = clinic_ids_with_roles(user, [Role.SUPERVISOR])
    q = _nothing()
    if clinical:
        q |= Q(_among_clinics(clinical), colleague=user)
    if supervising:
        q |= Q(to_supervisors=True, episode__clinic_id__in=supervising) & ~Q(asker=user)
    return q


def may_supervise(user, episode) -> bool:
    """Supervisors of the episode's clinic follow the case and write supervision notes."""
    return episode.clinic_id in clinic_ids_with_roles(user, [Role.SUPERVISOR])


def supervision_episode_q(user) -> Q:
    """A Q over Episode: the episodes whose supervision the user takes part in, as the
    supervisors of the episode's clinic or as its responsible therapist."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return _nothing()
    supervising = clinic_ids_with_roles(user, [Role.SUPERVISOR])
    treating = clinic_ids_with_roles(user, [Role.THERAPIST])
    q = _nothing()
    if supervising:
        q |= Q(clinic_id__in=supervising)
    if treating:
        q |= Q(therapist=user, clinic_id__in=treating)
    return q
