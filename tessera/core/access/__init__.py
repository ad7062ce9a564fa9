"""The access policy: the one place that decides who may see and do what.

Every role set and every ``may_*`` decision lives in this package, one module per area,
each saying its rule in words at the top:

- ``base``: the user's roles (cached per request); staff need a second factor.
- ``patients``: patient records and episodes (scopes, reads, changing details).
- ``scopes``: extra episode scopes (on call, consultation), listed by dotted path.
- ``administration``: clinic settings, staff and the audit trail.
- ``content``: the module library, programmes and tailoring a plan.
- ``workload``, ``intake``, ``feedback``, ``inbox``, ``consultation``, ``messaging``,
  ``letters``, ``treatment``, ``safety``, ``research``, ``reports``: the rules of those
  features.
- ``staff``: who holds a role at a clinic, for choice lists (cases, sessions, requests).

Callers import it as ``from tessera.core import access`` and call ``access.<name>``.
The package imports nothing above core: the functions take the objects they decide on.
"""

from .administration import (
    audit_clinic_ids,
    delivery_failure_clinic_ids,
    managed_clinic_ids,
    security_event_clinic_ids,
)
from .base import (
    CLINIC_WIDE_ROLES,
    CLINICAL_ROLES,
    all_roles,
    clinic_ids_with_roles,
    clinical_clinic_ids,
    has_clinical_role,
    in_subquery,
    may_see_patient_data,
    on_call_clinic_ids,
    roles_at,
    supervising_clinic_ids,
)
from .consultation import (
    has_consultations,
    has_supervision,
    may_supervise,
    requests_asked_by_q,
    requests_asked_of_q,
    supervision_episode_q,
)
from .content import authoring_region_ids, library_region_ids, may_tailor_plan, patient_region_ids
from .feedback import (
    FEEDBACK_TEMPLATE_ROLES,
    SHARED_TEMPLATE_MANAGERS,
    feedback_template_clinic_ids,
    may_edit_template,
    may_use_feedback_templates,
    practice_clinic_ids,
    shared_template_clinic_ids,
)
from .inbox import (
    INBOX_ROLES,
    TEAM_ROLES,
    has_inbox,
    has_own_inbox,
    may_mark_worksheets,
    team_clinic_ids,
)
from .intake import (
    ASSESS_ROLES,
    DECLINE_UNASSESSED_ROLES,
    INTAKE_ROLES,
    applications_visible_to,
    assessors,
    has_intake_queue,
    intake_clinic_ids,
    may_assess,
    may_decline_unassessed,
    may_triage,
    urgent_application_clinic_ids,
    urgent_application_recipients,
)
from .letters import gp_letter_refusal
from .messaging import may_write_message
from .patients import (
    actor_role_label,
    episode_in_own_scope,
    episode_is_visible,
    episode_scope,
    episodes_visible_to,
    get_visible_patient,
    may_edit_patient_details,
    own_episode_scope,
    patient_in_own_scope,
    patient_is_visible,
    patients_visible_to,
    read_purpose,
)
from .records import may_export_episode, system_client_episode_scope
from .reports import (
    SMALL_NUMBER,
    clinic_outcome_ids,
    dashboard_clinic_ids,
    has_reports,
    own_outcome_clinic_ids,
    region_report_ids,
)
from .research import (
    has_research,
    is_blinded,
    may_export_study,
    may_manage_study,
    may_recruit,
    may_see_arms,
    may_see_outcomes,
    may_see_study,
    may_start_study,
    may_unblind,
    participant_q_for_patient,
    recruitable_episode_q,
    studies_visible_q,
    study_roles,
    study_starter_clinic_ids,
)
from .safety import alert_recipient_roles
from .scopes import EXTRA_EPISODE_SCOPES, ExtraScope
from .staff import (
    clinical_staff,
    is_therapist_at,
    security_contact_roles,
    supervisors,
    therapist_roles,
    therapists,
)
from .treatment import may_correct_diary_entry, may_read_course
from .workload import (
    TIME_STAFF_ROLES,
    WORKLOAD_ROLES,
    has_workload,
    may_correct_time,
    own_workload_clinic_ids,
    time_staff_roles,
    workload_clinic_ids,
)

__all__ = [
    "ASSESS_ROLES",
    "CLINICAL_ROLES",
    "CLINIC_WIDE_ROLES",
    "DECLINE_UNASSESSED_ROLES",
    "EXTRA_EPISODE_SCOPES",
    "FEEDBACK_TEMPLATE_ROLES",
    "INBOX_ROLES",
    "INTAKE_ROLES",
    "SHARED_TEMPLATE_MANAGERS",
    "TEAM_ROLES",
    "TIME_STAFF_ROLES",
    "WORKLOAD_ROLES",
    "SMALL_NUMBER",
    "ExtraScope",
    "clinic_outcome_ids",
    "dashboard_clinic_ids",
    "has_reports",
    "own_outcome_clinic_ids",
    "region_report_ids",
    "actor_role_label",
    "alert_recipient_roles",
    "all_roles",
    "applications_visible_to",
    "assessors",
    "audit_clinic_ids",
    "delivery_failure_clinic_ids",
    "security_event_clinic_ids",
    "authoring_region_ids",
    "clinic_ids_with_roles",
    "clinical_clinic_ids",
    "clinical_staff",
    "episode_in_own_scope",
    "episode_is_visible",
    "episode_scope",
    "episodes_visible_to",
    "feedback_template_clinic_ids",
    "get_visible_patient",
    "gp_letter_refusal",
    "has_clinical_role",
    "in_subquery",
    "has_consultations",
    "has_inbox",
    "has_intake_queue",
    "has_own_inbox",
    "has_research",
    "has_supervision",
    "has_workload",
    "intake_clinic_ids",
    "is_blinded",
    "is_therapist_at",
    "library_region_ids",
    "managed_clinic_ids",
    "may_assess",
    "may_correct_diary_entry",
    "may_decline_unassessed",
    "may_read_course",
    "may_correct_time",
    "may_edit_patient_details",
    "may_edit_template",
    "may_mark_worksheets",
    "may_export_study",
    "may_manage_study",
    "may_recruit",
    "may_see_arms",
    "may_see_outcomes",
    "may_export_episode",
    "may_see_patient_data",
    "may_see_study",
    "may_start_study",
    "may_supervise",
    "may_tailor_plan",
    "may_triage",
    "may_unblind",
    "may_use_feedback_templates",
    "may_write_message",
    "on_call_clinic_ids",
    "own_episode_scope",
    "own_workload_clinic_ids",
    "participant_q_for_patient",
    "patient_in_own_scope",
    "patient_is_visible",
    "patient_region_ids",
    "patients_visible_to",
    "practice_clinic_ids",
    "read_purpose",
    "recruitable_episode_q",
    "requests_asked_by_q",
    "requests_asked_of_q",
    "roles_at",
    "shared_template_clinic_ids",
    "studies_visible_q",
    "study_roles",
    "study_starter_clinic_ids",
    "supervising_clinic_ids",
    "supervision_episode_q",
    "system_client_episode_scope",
    "supervisors",
    "security_contact_roles",
    "team_clinic_ids",
    "therapist_roles",
    "therapists",
    "time_staff_roles",
    "urgent_application_clinic_ids",
    "urgent_application_recipients",
    "workload_clinic_ids",
]
