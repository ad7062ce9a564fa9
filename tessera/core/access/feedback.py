"""Written feedback: templates and practice (no patient data in a template).

- Therapists, supervisors and clinic managers keep personal templates and use the
  shared ones of their clinics.
- A clinic's shared templates are managed by its supervisors and clinic managers; a
  personal template by its owner alone.
- Therapists practise feedback on a training patient at their clinics.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import all_roles, clinic_ids_with_roles, may_see_patient_data

FEEDBACK_TEMPLATE_ROLES = (Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER)
SHARED_TEMPLATE_MANAGERS = (Role.SUPERVISOR, Role.CLINIC_MANAGER)


def may_use_feedback_templates(user) -> bool:
    """Therapists, supervisors and clinic managers keep personal feedback templates and
    use the shared ones of their clinics (roles are cached: no query after the first)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    return bool(all_roles(user) & set(FEEDBACK_TEMPLATE_ROLES))


def feedback_template_clinic_ids(user) -> set[int]:
    """Clinics whose shared feedback templates the user may use."""
    if not may_use_feedback_templates(user):
        return set()
    return clinic_ids_with_roles(user, FEEDBACK_TEMPLATE_ROLES)


def shared_template_clinic_ids(user) -> set[int]:
    """Clinics whose shared feedback templates the user manages: supervisors and clinic
    managers of that clinic."""
    if not may_use_feedback_templates(user):
        return set()
    return clinic_ids_with_roles(user, SHARED_TEMPLATE_MANAGERS)


def may_edit_template(user, template) -> bool:
    """A shared template: the supervisors and clinic managers of its clinic. A personal
    one: its owner, while they may use templates."""
    if template.clinic_id is not None:
        return template.clinic_id in shared_template_clinic_ids(user)
    return template.owner_id == user.pk and may_use_feedback_templates(user)


def practice_clinic_ids(user) -> set[int]:
    """Clinics where the user may practise feedback on a training patient: therapists."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.THERAPIST])
