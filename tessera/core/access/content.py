"""Content (module library and programmes) and treatment plans: not patient data, scoped
by region; a plan is changed only by those who carry the episode.

- Content authors edit the library of the regions of their clinics.
- Any staff role at a clinic reads its region's published library (therapists tailor
  plans from it), and so do region administrators.
- A patient reads the library of the regions where they have an episode.
- The responsible therapist, and supervisors and managers of the clinic, change a plan;
  others who can see the episode only read it.
"""

from __future__ import annotations

from tessera.core.roles import Role

from .base import (
    _active,
    _role_cache,
    clinic_ids_with_roles,
    may_see_patient_data,
    region_role_ids,
)


def authoring_region_ids(user) -> set[int]:
    """Regions whose module library the user may edit: content authors of a clinic there."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    clinics = clinic_ids_with_roles(user, [Role.CONTENT_AUTHOR])
    return _region_ids(user, clinics)


def library_region_ids(user) -> set[int]:
    """Regions whose published library the user may read: any staff role at a clinic there
    (therapists tailor plans from it), and region administrators."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    clinics = {clinic for clinic, _role, _on in _role_cache(user)}
    return _region_ids(user, clinics) | region_role_ids(user)


def _region_ids(user, clinics: set[int]) -> set[int]:
    """The regions of these role clinics: from the clinics kept with the signed-in
    person when it was kept (no query, decision 0090), otherwise one read."""
    from tessera.core.identity import role_clinics
    from tessera.core.models import Clinic

    kept = role_clinics(user)
    if clinics <= kept.keys():
        return {kept[clinic].region_id for clinic in clinics}
    return set(Clinic.objects.filter(pk__in=clinics).values_list("region_id", flat=True))


def may_tailor_plan(user, episode) -> bool:
    """The responsible therapist, and supervisors and managers of the clinic, change a
    plan (and book sessions, write letters); others who can see the episode only read it."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    if episode.therapist_id == user.pk and episode.clinic_id in clinic_ids_with_roles(
        user, [Role.THERAPIST]
    ):
        return True
    return episode.clinic_id in clinic_ids_with_roles(user, [Role.SUPERVISOR, Role.CLINIC_MANAGER])


def patient_region_ids(user) -> set[int]:
    """Regions of the clinics where the signed-in patient has an episode."""
    if not _active(user) or user.patient_record is None:
        return set()
    from tessera.core.models import Episode

    return set(
        Episode.objects.filter(patient=user.patient_record).values_list(
            "clinic__region_id", flat=True
        )
    )
