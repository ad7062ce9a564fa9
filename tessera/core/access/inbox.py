"""Whose inbox: a therapist's own caseload, or a team's for supervisors and managers.

- Therapists, supervisors and clinic managers have an inbox (INBOX_ROLES).
- A therapist's inbox is their own caseload.
- Supervisors and clinic managers open the whole team's inbox of their clinics, or one
  therapist's of it.
The episodes themselves always come from ``Episode.objects.visible_to(user)``.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import all_roles, clinic_ids_with_roles

INBOX_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER})
TEAM_ROLES = (Role.SUPERVISOR, Role.CLINIC_MANAGER)


def has_inbox(user) -> bool:
    """No query: the roles are cached on the user."""
    return bool(all_roles(user) & INBOX_ROLES)


def has_own_inbox(user) -> bool:
    """A therapist (anywhere) has a caseload of their own."""
    return Role.THERAPIST in all_roles(user)


def team_clinic_ids(user) -> set[int]:
    """Clinics whose whole team's inbox the user may open."""
    return clinic_ids_with_roles(user, TEAM_ROLES)
