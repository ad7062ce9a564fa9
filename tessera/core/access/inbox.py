"""Whose inbox: a therapist's own caseload, or a team's for supervisors and managers.

- Therapists, supervisors and clinic managers have an inbox (INBOX_ROLES).
- A therapist's inbox is their own caseload.
- Supervisors and clinic managers open the whole team's inbox of their clinics, or one
  therapist's of it, or that of the patients without a therapist (unguided care).
- Staff on call for risk at a clinic open its team inbox too, so that the patients of a
  clinic without therapists are watched; what they see in it is still only the episodes
  their scope shows them. Marking a worksheet as seen stays with INBOX_ROLES.
The episodes themselves always come from ``Episode.objects.visible_to(user)``.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import all_roles, clinic_ids_with_roles, on_call_clinic_ids

INBOX_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER})
TEAM_ROLES = (Role.SUPERVISOR, Role.CLINIC_MANAGER)


def has_inbox(user) -> bool:
    """No query: the roles are cached on the user."""
    return may_mark_worksheets(user) or bool(on_call_clinic_ids(user))


def may_mark_worksheets(user) -> bool:
    """Marking a submitted worksheet as seen (no reply needed) is for the care team."""
    return bool(all_roles(user) & INBOX_ROLES)


def has_own_inbox(user) -> bool:
    """A therapist (anywhere) has a caseload of their own."""
    return Role.THERAPIST in all_roles(user)


def team_clinic_ids(user) -> set[int]:
    """Clinics whose whole team's inbox the user may open."""
    return clinic_ids_with_roles(user, TEAM_ROLES) | on_call_clinic_ids(user)
