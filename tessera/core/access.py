"""The access policy: the one place that decides who may see and do what.

Scopes, in words:
- A patient sees their own record and episodes, nothing else.
- Staff see no patient data at all until they have a second factor.
- Intake coordinators, assessors, supervisors and clinic managers see the patients
  who have an episode at their clinic (CLINIC_WIDE_ROLES).
- Staff on call for risk alerts at a clinic see that clinic's episodes with an
  unresolved risk alert (``on_call_clinic_ids``).
- A therapist sees the episodes they are responsible for (their caseload), plus any
  episode a colleague has granted them for consultation (added by the consultation
  feature through ``extra_episode_scopes``: while a request to them is open and not
  expired, that one episode). A read made only through such an extra scope is audited
  with the scope's ``audit_purpose`` ("consultation"): see ``read_purpose``.
- Content authors, researchers and region administrators see no identifiable patient
  data; region administrators manage the clinics of their region.
- Applications for care (intake): an applicant sees their own applications; intake
  coordinators, assessors and clinic managers (INTAKE_ROLES) see the applications sent
  to their clinic once they are submitted (a draft is the applicant's own), and only
  with a second factor. Nobody else sees them.

Views never filter patient data by hand: they call ``Patient.objects.visible_to(user)``
or ``Episode.objects.visible_to(user)``, which end up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from .roles import CLINIC_WIDE_ROLES, Role

# Roles that work the intake queue of their clinic.
INTAKE_ROLES = frozenset({Role.INTAKE_COORDINATOR, Role.ASSESSOR, Role.CLINIC_MANAGER})

# Later features (consultation grants) register functions returning a Q over Episode.
# A function may carry an ``audit_purpose`` attribute: the purpose of a read made only
# through it (see read_purpose).
extra_episode_scopes: list[Callable[[object], Q]] = []


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def clinic_ids_with_roles(user, roles: Iterable[str]) -> set[int]:
    if not _active(user):
        return set()
    roles = list(roles)
    cache = _role_cache(user)
    return {clinic for clinic, role, _on_call in cache if role in roles}


def _role_cache(user) -> list[tuple[int, str, bool]]:
    """(clinic id, role, on call) for each of the user's roles: one query per request."""
    cached = getattr(user, "_tessera_roles", None)
    if cached is None:
        cached = list(user.clinic_roles.values_list("clinic_id", "role", "on_call"))
        user._tessera_roles = cached
    return cached


def roles_at(user, clinic_id: int) -> list[str]:
    if not _active(user):
        return []
    return sorted(role for clinic, role, _on in _role_cache(user) if clinic == clinic_id)


def all_roles(user) -> set[str]:
    if not _active(user):
        return set()
    return {role for _clinic, role, _on in _role_cache(user)}


def on_call_clinic_ids(user) -> set[int]:
    """Clinics where the user is on call for risk alerts."""
    if not _active(user):
        return set()
    return {clinic for clinic, _role, on_call in _role_cache(user) if on_call}


def may_see_patient_data(user) -> bool:
    """Staff need a second factor before any patient data is shown to them."""
    if not _active(user):
        return False
    if user.is_staff_member:
        return user.has_second_factor
    return True


def own_episode_scope(user) -> Q:
    """A Q over Episode for what the user's own roles show them, without extra scopes
    (consultation grants); matches nothing when nothing."""
    scope = Q(pk__in=[])
    if not may_see_patient_data(user) or not user.is_staff_member:
        return scope
    clinic_wide = clinic_ids_with_roles(user, CLINIC_WIDE_ROLES)
    therapist_at = clinic_ids_with_roles(user, [Role.THERAPIST])
    if clinic_wide:
        scope |= Q(clinic_id__in=clinic_wide)
    if therapist_at:
        scope |= Q(therapist=user, clinic_id__in=therapist_at)
    on_call = on_call_clinic_ids(user)
    if on_call:
        scope |= _open_alert_episodes(on_call)
    return scope


def episode_scope(user) -> Q:
    """A Q over Episode for everything the user may see; matches nothing when nothing."""
    nothing = Q(pk__in=[])
    if not may_see_patient_data(user):
        return nothing
    scope = nothing
    if user.is_staff_member:
        scope |= own_episode_scope(user)
        for extra in extra_episode_scopes:
            scope |= extra(user)
    patient = user.patient_record
    if patient is not None:
        scope |= Q(patient=patient)
    return scope


def _open_alert_episodes(clinic_ids: set[int]) -> Q:
    """Staff on call see the episodes of their clinic that have an unresolved risk alert,
    so that someone can act when there is no therapist (unguided care) or the therapist
    is away. The access ends when the alert is resolved."""
    from .models import Episode

    # Through safety's reverse relation (risk_alerts): core never imports safety.
    alerted = Episode.objects.filter(
        clinic_id__in=clinic_ids,
        risk_alerts__isnull=False,  # an alert exists (one join with the next condition)
        risk_alerts__resolved_at__isnull=True,
    )
    return Q(pk__in=alerted.values("pk"))


def episodes_visible_to(user, qs: QuerySet) -> QuerySet:
    return qs.filter(episode_scope(user)).distinct()


def patients_visible_to(user, qs: QuerySet) -> QuerySet:
    from tessera.core.models import Episode

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


def read_purpose(user, patient, clinic_id: int | None = None) -> str | None:
    """The audit purpose of a staff member's read of this patient when only an extra scope
    (a consultation grant) lets them see the patient: that scope's ``audit_purpose``.
    None when their own roles show them the patient (the caller's default applies).

    No query for a clinic-wide role at ``clinic_id``; otherwise one, two through a grant."""
    if not extra_episode_scopes or not may_see_patient_data(user) or not user.is_staff_member:
        return None
    if clinic_id is not None and clinic_id in clinic_ids_with_roles(user, CLINIC_WIDE_ROLES):
        return None
    from tessera.core.models import Episode

    episodes = Episode.objects.filter(patient=patient)
    if episodes.filter(own_episode_scope(user)).exists():
        return None
    for extra in extra_episode_scopes:
        purpose = getattr(extra, "audit_purpose", None)
        if purpose and episodes.filter(extra(user)).exists():
            return purpose
    return None


def may_edit_patient_details(user, patient) -> bool:
    """Contact details: the patient themself, or clinical staff whose own roles show them
    the record (a colleague consulted on the case reads it but does not change it)."""
    if not may_see_patient_data(user):
        return False
    if patient.user_id == user.pk:
        return True
    return user.is_staff_member and patient_in_own_scope(user, patient)


def patient_in_own_scope(user, patient) -> bool:
    from tessera.core.models import Episode

    return Episode.objects.filter(own_episode_scope(user), patient=patient).exists()


def episode_in_own_scope(user, episode) -> bool:
    """Whether the user's own roles (not a consultation grant) show them this episode:
    what writing to the patient, acting on an alert or changing records needs."""
    from tessera.core.models import Episode

    return Episode.objects.filter(own_episode_scope(user), pk=episode.pk).exists()


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

    clinics = {clinic for clinic, _role, _on in _role_cache(user)}
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
    from tessera.core.models import Episode

    return set(
        Episode.objects.filter(patient=user.patient_record).values_list(
            "clinic__region_id", flat=True
        )
    )


# --- Time and workload (tessera.workload): figures about staff, not patient records. ---


def own_workload_clinic_ids(user) -> set[int]:
    """Clinics where the user works as a therapist: their own workload there."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.THERAPIST])


def workload_clinic_ids(user) -> set[int]:
    """Clinics whose team workload (every therapist's caseload, time and reply times) the
    user may see: the clinic's supervisors and clinic managers."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return set()
    return clinic_ids_with_roles(user, [Role.SUPERVISOR, Role.CLINIC_MANAGER])


def may_correct_time(user, episode, staff_member) -> bool:
    """Time on an episode is added or corrected by hand by the staff member it belongs to,
    if they may see the episode, or by a supervisor or clinic manager of its clinic (for
    staff of that clinic)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    if staff_member.pk == user.pk:
        return episode_is_visible(user, episode)
    if episode.clinic_id not in workload_clinic_ids(user):
        return False
    return staff_member.clinic_roles.filter(clinic_id=episode.clinic_id).exists()


def episode_is_visible(user, episode) -> bool:
    from tessera.core.models import Episode

    return Episode.objects.filter(episode_scope(user), pk=episode.pk).exists()


# --- Intake: applications for care. ---


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
