"""The access policy: the one place that decides who may see and do what.

Scopes, in words:
- A patient sees their own record and episodes, nothing else.
- Staff see no patient data at all until they have a second factor.
- Intake coordinators, assessors, supervisors and clinic managers see the patients
  who have an episode at their clinic (CLINIC_WIDE_ROLES).
- A therapist sees the episodes they are responsible for (their caseload), plus any
  episode a colleague has granted them for consultation (added by the consultation
  feature through ``extra_episode_scopes``).
- Content authors, researchers and region administrators see no identifiable patient
  data; region administrators manage the clinics of their region.

Views never filter patient data by hand: they call ``Patient.objects.visible_to(user)``
or ``Episode.objects.visible_to(user)``, which end up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from .roles import CLINIC_WIDE_ROLES, Role

# Later features (consultation grants) register functions returning a Q over Episode.
extra_episode_scopes: list[Callable[[object], Q]] = []


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def clinic_ids_with_roles(user, roles: Iterable[str]) -> set[int]:
    if not _active(user):
        return set()
    roles = list(roles)
    cache = _role_cache(user)
    return {clinic for clinic, role in cache if role in roles}


def _role_cache(user) -> list[tuple[int, str]]:
    cached = getattr(user, "_tessera_roles", None)
    if cached is None:
        cached = list(user.clinic_roles.values_list("clinic_id", "role"))
        user._tessera_roles = cached
    return cached


def roles_at(user, clinic_id: int) -> list[str]:
    if not _active(user):
        return []
    return sorted(role for clinic, role in _role_cache(user) if clinic == clinic_id)


def all_roles(user) -> set[str]:
    if not _active(user):
        return set()
    return {role for _clinic, role in _role_cache(user)}


def may_see_patient_data(user) -> bool:
    """Staff need a second factor before any patient data is shown to them."""
    if not _active(user):
        return False
    if user.is_staff_member:
        return user.has_second_factor
    return True


def episode_scope(user) -> Q:
    """A Q over Episode for everything the user may see; matches nothing when nothing."""
    nothing = Q(pk__in=[])
    if not may_see_patient_data(user):
        return nothing
    scope = nothing
    if user.is_staff_member:
        clinic_wide = clinic_ids_with_roles(user, CLINIC_WIDE_ROLES)
        therapist_at = clinic_ids_with_roles(user, [Role.THERAPIST])
        if clinic_wide:
            scope |= Q(clinic_id__in=clinic_wide)
        if therapist_at:
            scope |= Q(therapist=user, clinic_id__in=therapist_at)
        for extra in extra_episode_scopes:
            scope |= extra(user)
    patient = user.patient_record
    if patient is not None:
        scope |= Q(patient=patient)
    return scope


def episodes_visible_to(user, qs: QuerySet) -> QuerySet:
    return qs.filter(episode_scope(user)).distinct()


def patients_visible_to(user, qs: QuerySet) -> QuerySet:
    from tessera.treatment.models import Episode

    if not may_see_patient_data(user):
        return qs.none()
    episodes = Episode.objects.filter(episode_scope(user)).values("patient_id")
    own = Q(user=user) if user.patient_record is not None else Q(pk__in=[])
    return qs.filter(Q(pk__in=episodes) | own)


def get_visible_patient(user, pk) -> object:
    """The patient with this id if the user may see them; 404 otherwise (never 403,
    so that the existence of a record is not revealed)."""
    from .models import Patient

    patient = Patient.objects.visible_to(user).filter(pk=pk).first()
    if patient is None:
        raise Http404
    return patient


def may_edit_patient_details(user, patient) -> bool:
    """Contact details: the patient themself, or clinical staff who can see the record."""
    if not may_see_patient_data(user):
        return False
    if patient.user_id == user.pk:
        return True
    return user.is_staff_member and patient_is_visible(user, patient)


def patient_is_visible(user, patient) -> bool:
    from .models import Patient

    return Patient.objects.visible_to(user).filter(pk=patient.pk).exists()


def managed_clinic_ids(user) -> set[int]:
    """Clinics whose settings and audit trail the user may manage."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    from .models import Clinic

    ids = clinic_ids_with_roles(user, [Role.CLINIC_MANAGER])
    regions = user.region_roles.values_list("region_id", flat=True)
    ids |= set(Clinic.objects.filter(region_id__in=regions).values_list("id", flat=True))
    return ids


def audit_clinic_ids(user) -> set[int]:
    """Clinics whose audit trail the user may search: clinic managers only."""
    if not may_see_patient_data(user):
        return set()
    return clinic_ids_with_roles(user, [Role.CLINIC_MANAGER])


def actor_role_label(user, clinic_id: int | None) -> str:
    """How an actor is described in the audit row: their roles at that clinic."""
    if user is None or not user.is_authenticated:
        return ""
    if clinic_id is not None:
        roles = roles_at(user, clinic_id)
        if roles:
            return ",".join(roles)
    if user.patient_record is not None:
        return "patient"
    return ",".join(sorted(all_roles(user)))


# --- Content (module library and programmes): not patient data, scoped by region. ---


def authoring_region_ids(user) -> set[int]:
    """Regions whose module library the user may edit: content authors of a clinic there."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    from .models import Clinic

    clinics = clinic_ids_with_roles(user, [Role.CONTENT_AUTHOR])
    return set(Clinic.objects.filter(pk__in=clinics).values_list("region_id", flat=True))


def library_region_ids(user) -> set[int]:
    """Regions whose published library the user may read: any staff role at a clinic there
    (therapists tailor plans from it), and region administrators."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    from .models import Clinic

    clinics = {clinic for clinic, _role in _role_cache(user)}
    ids = set(Clinic.objects.filter(pk__in=clinics).values_list("region_id", flat=True))
    ids |= set(user.region_roles.values_list("region_id", flat=True))
    return ids


def may_tailor_plan(user, episode) -> bool:
    """The responsible therapist, and supervisors and managers of the clinic, change a
    plan; others who can see the episode only read it."""
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
    from tessera.treatment.models import Episode

    return set(
        Episode.objects.filter(patient=user.patient_record).values_list(
            "clinic__region_id", flat=True
        )
    )


# --- Written feedback: templates and practice (no patient data in a template). ---

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


def practice_clinic_ids(user) -> set[int]:
    """Clinics where the user may practise feedback on a training patient: therapists."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.THERAPIST])
