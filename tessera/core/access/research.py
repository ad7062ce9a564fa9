"""Research studies run inside the clinic (the ``research`` app).

Rules, in words:
- A study is seen only by its own staff: the people who hold a study role in it
  (investigator, research coordinator, blinded outcome assessor), while they hold the
  researcher role at one of the study's clinics and have a second factor. Nobody else,
  not clinic managers, not the patients' therapists. (A therapist who also does research,
  as in Stockholm and Amsterdam, holds both roles.)
- Researchers start studies at their clinics; whoever starts one is its first
  investigator.
- Investigators run the study: its protocol, arms, measures, staff, consent texts,
  opening and closing recruitment, unblinding, and the de-identified export (only they).
- Investigators and research coordinators recruit: invite an episode, confirm
  eligibility, record exclusions, deviations and discontinuation. They see the arms
  participants were allocated to, never the allocation sequence ahead.
- A blinded outcome assessor sees the participants' research measures and schedules
  and nothing that reveals the arm (not the arm, the plan, the messages). So they may
  hold no other role in the study and no clinical role at its clinics (their ordinary
  patient scope would show the plan and messages). A participant the investigator has
  unblinded for the assessors shows its arm to them, with the reason on record.
- A patient sees the studies they were invited to or take part in, the consent text in
  their language, and withdraws from their own pages.
The functions take the study (anything with ``pk``, ``members`` and ``clinics``).
"""

from __future__ import annotations

from django.db.models import Q

from tessera.core.roles import CLINICAL_ROLES, Role, StudyRole

from .base import _active, clinic_ids_with_roles, may_see_patient_data

STUDY_STAFF_ROLES = frozenset({Role.RESEARCHER})
RECRUITER_ROLES = frozenset({StudyRole.INVESTIGATOR, StudyRole.COORDINATOR})
ARM_SEEING_ROLES = RECRUITER_ROLES
OUTCOME_ROLES = frozenset({StudyRole.INVESTIGATOR, StudyRole.BLINDED_ASSESSOR})


def _staff(user) -> bool:
    return _active(user) and user.is_staff_member and may_see_patient_data(user)


def study_starter_clinic_ids(user) -> set[int]:
    """Clinics where the user may start a study (researchers)."""
    if not _staff(user):
        return set()
    return clinic_ids_with_roles(user, STUDY_STAFF_ROLES)


def may_start_study(user) -> bool:
    return bool(study_starter_clinic_ids(user))


def _staff_clinic_ids(user) -> set[int]:
    return clinic_ids_with_roles(user, STUDY_STAFF_ROLES)


def has_research(user) -> bool:
    """Whether the research pages are for the user (no query: roles are cached)."""
    return bool(study_starter_clinic_ids(user))


def study_roles(user, study) -> frozenset[str]:
    """The user's roles in this study (one query, cached on the study object per user)."""
    if not _staff(user):
        return frozenset()
    cache = study.__dict__.setdefault("_tessera_study_roles", {})
    if user.pk not in cache:
        roles = set(study.members.filter(user=user).values_list("role", flat=True))
        clinics = {c.pk for c in study.clinics.all()}
        cache[user.pk] = frozenset(roles) if clinics & _staff_clinic_ids(user) else frozenset()
    return cache[user.pk]


def studies_visible_q(user) -> Q:
    """A Q over Study: the studies the user holds a role in, at a clinic where they are
    staff."""
    if not _staff(user):
        return Q(pk__in=[])
    return Q(members__user=user, clinics__in=_staff_clinic_ids(user))


def may_see_study(user, study) -> bool:
    return bool(study_roles(user, study))


def may_manage_study(user, study) -> bool:
    return StudyRole.INVESTIGATOR in study_roles(user, study)


def may_recruit(user, study) -> bool:
    return bool(study_roles(user, study) & RECRUITER_ROLES)


def may_see_arms(user, study) -> bool:
    """Whether the user sees who was allocated to which arm (never a blinded assessor)."""
    roles = study_roles(user, study)
    return bool(roles & ARM_SEEING_ROLES) and StudyRole.BLINDED_ASSESSOR not in roles


def may_see_outcomes(user, study) -> bool:
    """The research measures and their schedule: investigators and blinded assessors."""
    return bool(study_roles(user, study) & OUTCOME_ROLES)


def is_blinded(user, study) -> bool:
    return StudyRole.BLINDED_ASSESSOR in study_roles(user, study)


def may_export_study(user, study) -> bool:
    """Only investigators run the de-identified export."""
    return StudyRole.INVESTIGATOR in study_roles(user, study)


def may_unblind(user, study) -> bool:
    return StudyRole.INVESTIGATOR in study_roles(user, study)


def study_role_refusal(user, study, role: str, clinic_ids) -> str | None:
    """Why the user cannot take this role in the study, or None. Study staff must hold
    the researcher role at one of its clinics; a blinded assessor may hold no other study role and
    no clinical role at its clinics (their patient scope would reveal the arm)."""
    clinic_ids = set(clinic_ids)
    if not (_active(user) and user.is_staff_member):
        return "not_staff"
    if not clinic_ids & _staff_clinic_ids(user):
        return "not_at_clinic"
    held = set(study.members.filter(user=user).values_list("role", flat=True))
    if role == StudyRole.BLINDED_ASSESSOR:
        if clinic_ids & clinic_ids_with_roles(user, CLINICAL_ROLES):
            return "clinical_role"
        if held - {role}:
            return "other_study_role"
    elif StudyRole.BLINDED_ASSESSOR in held:
        return "blinded"
    return None


def participant_q_for_patient(user) -> Q:
    """A Q over Participant: the patient's own (their episodes)."""
    if not _active(user) or user.patient_record is None:
        return Q(pk__in=[])
    return Q(episode__patient__user=user)


def recruitable_episode_q(user, study) -> Q:
    """A Q over Episode: the open episodes at the study's sites a recruiter may invite
    (never a training patient's: practice cases stay out of research, issue 6)."""
    if not may_recruit(user, study):
        return Q(pk__in=[])
    from tessera.core.models.episodes import training_patient_ids

    # "Not one of the training patients" (a short list, read by a partial index), not a
    # join on every patient: the invitation's search reads the sites' episode entries
    # alone (decision 0139), as ``EpisodeQuerySet.real`` does.
    return (
        Q(clinic__in=study.clinics.all())
        & ~Q(status="ended")
        & ~Q(patient_id__in=training_patient_ids())
    )
