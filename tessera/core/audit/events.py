"""Every audit event code, with the words a patient reads and the purpose it implies.

``audit.record`` accepts only these codes. Rows already stored keep their codes, so a code
is never renamed or removed here, only added. The label is said from the patient's side
("Your treatment plan was viewed"): it is what "Who has seen my record" shows. The purpose
is the default of ``record``; a call site passes another when the same event can have
several (a patient changing their own details is "self", their therapist "care").
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tessera.core.models import AuditEvent

CARE = AuditEvent.Purpose.CARE
INTAKE = AuditEvent.Purpose.INTAKE
CONSULTATION = AuditEvent.Purpose.CONSULTATION
SUPERVISION = AuditEvent.Purpose.SUPERVISION
ADMINISTRATION = AuditEvent.Purpose.ADMINISTRATION
SELF = AuditEvent.Purpose.SELF
AUDIT = AuditEvent.Purpose.AUDIT
RESEARCH = AuditEvent.Purpose.RESEARCH


class Event(StrEnum):
    """``Event.PLAN_VIEWED == "plan.viewed"``; ``.label`` and ``.purpose`` go with it."""

    def __new__(cls, code: str, purpose: str, label):
        member = str.__new__(cls, code)
        member._value_ = code
        member.purpose = purpose
        member.label = label
        return member

    NOTIFICATIONS_FAILED_VIEWED = (
        "notifications.failed_viewed",
        ADMINISTRATION,
        _("A manager saw that a notification to you could not be sent"),
    )
    ACCOUNT_LANGUAGE_CHANGED = (
        "account.language_changed",
        ADMINISTRATION,
        _("A staff member changed the language they use Tessera in"),
    )

    APPLICATION_SUBMITTED = (
        "application.submitted",
        INTAKE,
        _("Your application for care was sent"),
    )
    APPLICATION_CLAIMED = (
        "application.claimed",
        INTAKE,
        _("An application for care was linked to your account"),
    )
    APPLICATION_CONSENT_GIVEN = (
        "application.consent_given",
        INTAKE,
        _("You gave consent on your application"),
    )
    APPLICATION_DETAILS_SAVED = (
        "application.details_saved",
        INTAKE,
        _("Details of your application were saved"),
    )
    APPLICATION_REFERRED = "application.referred", INTAKE, _("A referral for you was received")
    APPLICATION_SCREENING_SUBMITTED = (
        "application.screening_submitted",
        INTAKE,
        _("Your screening questionnaires were sent"),
    )
    APPLICATION_STARTED = "application.started", INTAKE, _("An application for care was started")
    APPLICATION_VIEWED = "application.viewed", INTAKE, _("Your application for care was viewed")
    APPLICATION_URGENT_ACKNOWLEDGED = (
        "application.urgent_acknowledged",
        INTAKE,
        _("Staff confirmed they are dealing with your urgent application"),
    )
    APPLICATION_URGENT_ACKNOWLEDGEMENT_LAPSED = (
        "application.urgent_acknowledgement_lapsed",
        INTAKE,
        _("Your urgent application was handed back, as the person dealing with it no longer could"),
    )
    APPLICATION_URGENT_ESCALATED = (
        "application.urgent_escalated",
        INTAKE,
        _("Your urgent application was passed on to the clinic's managers"),
    )
    APPLICATION_ASK_INFO = (
        "application.ask_info",
        INTAKE,
        _("You were asked for more information about your application"),
    )
    APPLICATION_BOOK_ASSESSMENT = (
        "application.book_assessment",
        INTAKE,
        _("An assessment was booked for you"),
    )
    APPLICATION_DECLINE = "application.decline", INTAKE, _("Your application was declined")
    APPLICATION_REDIRECT = "application.redirect", INTAKE, _("You were referred elsewhere")
    APPLICATION_MARK_DUPLICATE = (
        "application.mark_duplicate",
        INTAKE,
        _("Your application was marked as a duplicate"),
    )
    APPLICATION_MERGE = (
        "application.merge",
        INTAKE,
        _("A duplicate application was merged into yours"),
    )
    APPLICATION_ASSESS = "application.assess", INTAKE, _("Your assessment was recorded")
    APPLICATION_ACCEPT = (
        "application.accept",
        INTAKE,
        _("Your application was accepted and treatment started"),
    )
    APPLICATION_WAIT = "application.wait", INTAKE, _("You were put on the waiting list")
    APPLICATION_MESSAGE_SENT = (
        "application.message_sent",
        INTAKE,
        _("You wrote to the clinic about your application"),
    )
    APPLICATION_MESSAGE_ANSWERED = (
        "application.message_answered",
        INTAKE,
        _("The clinic answered your message about your application"),
    )
    APPLICATION_START = (
        "application.start",
        INTAKE,
        _("Your treatment started from the waiting list"),
    )

    APPOINTMENT_BOOKED = "appointment.booked", CARE, _("A session with you was booked")
    APPOINTMENT_CANCELLED = "appointment.cancelled", CARE, _("A session with you was cancelled")
    APPOINTMENT_RECORDED = "appointment.recorded", CARE, _("A session with you was recorded")
    APPOINTMENT_CHANGE_ASKED = (
        "appointment.change_asked",
        SELF,
        _("You asked to move or cancel a session"),
    )
    APPOINTMENT_CHANGE_HANDLED = (
        "appointment.change_handled",
        CARE,
        _("Your request to move or cancel a session was dealt with"),
    )

    AUDIT_SEARCHED = "audit.searched", AUDIT, _("The audit trail was searched")
    AUDIT_SECURITY_EVENTS_VIEWED = (
        "audit.security_events_viewed",
        AUDIT,
        _("The clinic's security events were viewed"),
    )
    AUTH_SIGN_IN_FAILED = (
        "auth.sign_in_failed",
        ADMINISTRATION,
        _("Someone tried to sign in to your account with a wrong password"),
    )
    AUTH_ADDRESS_LOCKED = (
        "auth.address_locked",
        ADMINISTRATION,
        _("Sign-in was paused for a network address after too many failures"),
    )
    AUTH_MFA_FAILED = (
        "auth.mfa_failed",
        ADMINISTRATION,
        _("A wrong authenticator code was given for your account"),
    )
    AUTH_MFA_LOCKED = (
        "auth.mfa_locked",
        ADMINISTRATION,
        _("Authenticator codes were paused after too many wrong ones"),
    )
    AUTH_MFA_REFUSED_LOCKED = (
        "auth.mfa_refused_locked",
        ADMINISTRATION,
        _("An authenticator code was refused while codes were paused"),
    )
    SECURITY_INVITE_MISMATCH = (
        "security.invite_mismatch",
        INTAKE,
        _("Details given to claim an invitation did not match"),
    )
    SECURITY_INVITE_REFUSED = (
        "security.invite_refused",
        INTAKE,
        _("An invitation link was opened by an account it was not for"),
    )
    SECURITY_ACCESS_DENIED = (
        "security.access_denied",
        ADMINISTRATION,
        _("A page was refused to a signed-in person"),
    )
    SECURITY_FHIR_AUTH_FAILED = (
        "security.fhir_auth_failed",
        ADMINISTRATION,
        _("A system's request was refused for lack of a valid token"),
    )
    SECURITY_FHIR_SCOPE_REFUSED = (
        "security.fhir_scope_refused",
        ADMINISTRATION,
        _("A system's request was refused: its access does not cover it"),
    )
    SECURITY_FHIR_RATE_LIMITED = (
        "security.fhir_rate_limited",
        ADMINISTRATION,
        _("A system sent more requests than its limit allows"),
    )
    SECURITY_RATE_LIMITED = (
        "security.rate_limited",
        ADMINISTRATION,
        _("A request was refused by a rate limit"),
    )
    SECURITY_FHIR_TOKEN_RATE_LIMITED = (
        "security.fhir_token_rate_limited",
        ADMINISTRATION,
        _("Too many token requests came from one address"),
    )

    CASELOAD_VIEWED = "caseload.viewed", CARE, _("A caseload listing you was viewed")

    CLINIC_CREATED = "clinic.created", ADMINISTRATION, _("A clinic was created")
    CLINIC_CRISIS_CONTACT_ADDED = (
        "clinic.crisis_contact_added",
        ADMINISTRATION,
        _("A crisis contact of the clinic was added"),
    )
    CLINIC_CRISIS_CONTACT_REMOVED = (
        "clinic.crisis_contact_removed",
        ADMINISTRATION,
        _("A crisis contact of the clinic was removed"),
    )
    CLINIC_ON_CALL_SHIFT_ADDED = (
        "clinic.on_call_shift_added",
        ADMINISTRATION,
        _("A stretch of on-call cover was added to the clinic's rota"),
    )
    CLINIC_ON_CALL_SHIFT_REMOVED = (
        "clinic.on_call_shift_removed",
        ADMINISTRATION,
        _("A stretch of on-call cover was removed from the clinic's rota"),
    )
    CLINIC_MEASURE_ADDED = (
        "clinic.measure_added",
        ADMINISTRATION,
        _("A questionnaire was added to the clinic's schedule"),
    )
    CLINIC_MEASURE_REMOVED = (
        "clinic.measure_removed",
        ADMINISTRATION,
        _("A questionnaire was removed from the clinic's schedule"),
    )
    CLINIC_RISK_THRESHOLD_SET = (
        "clinic.risk_threshold_set",
        ADMINISTRATION,
        _("A risk threshold of the clinic was set"),
    )
    CLINIC_SETTINGS_CHANGED = (
        "clinic.settings_changed",
        ADMINISTRATION,
        _("The clinic's settings were changed"),
    )
    CLINIC_RATE_LIMITS_CHANGED = (
        "clinic.rate_limits_changed",
        ADMINISTRATION,
        _("The clinic's rate limits were changed"),
    )

    CLINICAL_NOTE_ADDED = "clinical_note.added", CARE, _("A clinical note about you was written")

    CONSENT_TEXT_PUBLISHED = (
        "consent_text.published",
        ADMINISTRATION,
        _("A consent text was published"),
    )

    CONSULTATION_COMMENTED = (
        "consultation.commented",
        CONSULTATION,
        _("A comment was written in a consultation about your care"),
    )
    CONSULTATION_ENDED = (
        "consultation.ended",
        CONSULTATION,
        _("A consultation about your care ended"),
    )
    CONSULTATION_LIST_VIEWED = (
        "consultation.list_viewed",
        CONSULTATION,
        _("A list of consultations was viewed"),
    )
    CONSULTATION_REQUESTED = (
        "consultation.requested",
        CONSULTATION,
        _("A colleague was consulted about your care"),
    )
    CONSULTATION_VIEWED = (
        "consultation.viewed",
        CONSULTATION,
        _("A consultation about your care was viewed"),
    )

    CONTENT_PACKAGE_IMPORTED = (
        "content.package_imported",
        ADMINISTRATION,
        _("A content package was imported"),
    )

    DIARY_CORRECTED = "diary.corrected", SELF, _("A diary entry was corrected")
    DIARY_REGISTERED = "diary.registered", SELF, _("A diary entry was registered")
    DIARY_VIEWED = "diary.viewed", CARE, _("Your diary was viewed")

    EPISODE_CARE_MODEL_CHANGED = (
        "episode.care_model_changed",
        CARE,
        _("The form of your treatment was changed"),
    )
    EPISODE_ENDED = "episode.ended", CARE, _("Your treatment was ended")
    EPISODE_MEASURES_CANCELLED = (
        "episode.measures_cancelled",
        CARE,
        _("Questionnaires asked of you for a study were cancelled"),
    )
    EPISODE_FHIR_VIEWED = (
        "episode.fhir.viewed",
        CARE,
        _("Your treatment record was downloaded in the health-record format (FHIR)"),
    )
    EPISODE_MEASURES_SCHEDULED = (
        "episode.measures_scheduled",
        CARE,
        _("Your questionnaires were scheduled"),
    )
    EPISODE_OPENED = "episode.opened", INTAKE, _("Your treatment episode was opened")
    EPISODE_SUMMARY_VIEWED = (
        "episode.summary.viewed",
        CARE,
        _("A summary of your treatment was downloaded as a PDF"),
    )
    EPISODE_TREATMENT_STARTED = "episode.treatment_started", CARE, _("Your treatment started")
    EPISODE_VIEWED = "episode.viewed", CARE, _("Your treatment episode was viewed")
    EPISODE_NEW_PATIENT_SEEN = (
        "episode.new_patient_seen",
        CARE,
        _("Your new therapist opened your treatment for the first time"),
    )

    FEEDBACK_TEMPLATE_CHANGED = (
        "feedback_template.changed",
        ADMINISTRATION,
        _("A feedback template was changed"),
    )
    FEEDBACK_TEMPLATE_CREATED = (
        "feedback_template.created",
        ADMINISTRATION,
        _("A feedback template was created"),
    )
    FEEDBACK_TEMPLATE_DELETED = (
        "feedback_template.deleted",
        ADMINISTRATION,
        _("A feedback template was deleted"),
    )

    FHIR_API_READ = (
        "fhir.api_read",
        CARE,
        _("Your record was read by a connected health-record system"),
    )
    FHIR_BULK_EXPORT_CANCELLED = (
        "fhir.bulk_export_cancelled",
        ADMINISTRATION,
        _("A connected system cancelled an export of records"),
    )
    FHIR_BULK_EXPORT_REQUESTED = (
        "fhir.bulk_export_requested",
        ADMINISTRATION,
        _("A connected system asked for an export of records"),
    )
    FHIR_BULK_EXPORTED = (
        "fhir.bulk_exported",
        CARE,
        _("Your record was included in an export to a connected health-record system"),
    )
    FHIR_BULK_FILE_READ = (
        "fhir.bulk_file_read",
        ADMINISTRATION,
        _("A connected system downloaded a file of an export"),
    )
    FHIR_CLIENT_REGISTERED = (
        "fhir.client_registered",
        ADMINISTRATION,
        _("A health-record system was allowed to connect"),
    )
    FHIR_CLIENT_REVOKED = (
        "fhir.client_revoked",
        ADMINISTRATION,
        _("A health-record system's access was revoked"),
    )
    FHIR_LETTER_DELIVERED = (
        "fhir.letter_delivered",
        CARE,
        _("A letter about you was delivered to your health record"),
    )
    FHIR_RECORD_ENDPOINT_REGISTERED = (
        "fhir.record_endpoint_registered",
        ADMINISTRATION,
        _("A record system was registered to receive letters"),
    )
    FHIR_RECORD_SHARING_CHANGED = (
        "fhir.record_sharing_changed",
        ADMINISTRATION,
        _("A clinic changed whether the text of messages goes to health records"),
    )
    FHIR_TOKEN_ISSUED = (
        "fhir.token_issued",
        ADMINISTRATION,
        _("A connected health-record system was given a short-lived access token"),
    )
    FHIR_REFERRAL_RECEIVED = (
        "fhir.referral_received",
        INTAKE,
        _("A referral for you was received from another system"),
    )
    FHIR_REFERRAL_STATUS_READ = (
        "fhir.referral_status_read",
        INTAKE,
        _("The status of your referral was read by another system"),
    )

    INBOX_VIEWED = "inbox.viewed", CARE, _("An inbox listing you was viewed")

    INSTRUMENT_WORDING_SAVED = (
        "instrument.wording_saved",
        ADMINISTRATION,
        _("A questionnaire's wording was saved"),
    )

    LETTER_RECEIPT_SENT = (
        "letter.receipt_sent",
        CARE,
        _("The receipt for your referral was sent to the referrer"),
    )
    LETTER_VIEWED = "letter.viewed", CARE, _("A letter about you was viewed")
    LETTER_WRITTEN = "letter.written", CARE, _("A letter about you was written")

    LETTERS_VIEWED = "letters.viewed", CARE, _("Your letters were viewed")

    MEASURES_VIEWED = "measures.viewed", CARE, _("Your questionnaire results were viewed")

    MEDIA_STORED = "media.stored", ADMINISTRATION, _("A picture or file was stored in the library")

    MESSAGE_SENT = "message.sent", CARE, _("A message was sent")

    MESSAGES_VIEWED = "messages.viewed", CARE, _("Your messages were viewed")

    MFA_ADDED = "mfa.added", ADMINISTRATION, _("A second sign-in factor was added")
    MFA_REMOVED = "mfa.removed", ADMINISTRATION, _("A second sign-in factor was removed")

    MODULE_COMPLETED = "module.completed", SELF, _("A module was completed")
    MODULE_CREATED = "module.created", ADMINISTRATION, _("A module was created")
    MODULE_DRAFT_CHANGED = "module.draft_changed", ADMINISTRATION, _("A module draft was changed")
    MODULE_DRAFT_STARTED = "module.draft_started", ADMINISTRATION, _("A module draft was started")
    MODULE_PUBLISHED = "module.published", ADMINISTRATION, _("A module was published")
    MODULE_STEP_ADDED = "module.step_added", ADMINISTRATION, _("A step was added to a module")
    MODULE_STEP_CHANGED = (
        "module.step_changed",
        ADMINISTRATION,
        _("A step of a module was changed"),
    )
    MODULE_STEP_MOVED = "module.step_moved", ADMINISTRATION, _("A step of a module was moved")
    MODULE_STEP_REMOVED = (
        "module.step_removed",
        ADMINISTRATION,
        _("A step was removed from a module"),
    )
    MODULE_TRANSLATION_LINKED = (
        "module.translation_linked",
        ADMINISTRATION,
        _("A module was linked as a translation of another"),
    )
    MODULE_TRANSLATION_STARTED = (
        "module.translation_started",
        ADMINISTRATION,
        _("A translation of a module was started"),
    )
    MODULE_VIEWED = "module.viewed", CARE, _("A module of your treatment was viewed")

    NOTIFICATIONS_PREFERENCES_CHANGED = (
        "notifications.preferences_changed",
        CARE,
        _("Your notification settings were changed"),
    )

    OVERVIEW_VIEWED = "overview.viewed", CARE, _("The overview of your treatment was viewed")

    PATIENT_CREATED = "patient.created", INTAKE, _("Your patient record was created")
    PATIENT_DETAILS_CHANGED = (
        "patient.details_changed",
        CARE,
        _("Your contact details were changed"),
    )
    PATIENT_LIST_VIEWED = "patient.list_viewed", CARE, _("A list of patients was viewed")
    PATIENT_LOGIN_LINKED = (
        "patient.login_linked",
        INTAKE,
        _("Your account was linked to your patient record"),
    )
    PATIENT_VIEWED = "patient.viewed", CARE, _("Your patient record was viewed")

    PLAN_VIEWED = "plan.viewed", CARE, _("Your treatment plan was viewed")
    PLAN_SEEDED = "plan.seeded", CARE, _("Your treatment plan was started from a programme")
    PLAN_ADDED = "plan.added", CARE, _("A module was added to your treatment plan")
    PLAN_REMOVED = "plan.removed", CARE, _("A module was removed from your treatment plan")
    PLAN_MOVED = "plan.moved", CARE, _("The order of your treatment plan was changed")
    PLAN_UNLOCK = "plan.unlock", CARE, _("The opening date of a module in your plan was changed")
    PLAN_OPENED = "plan.opened", CARE, _("A module of your plan was opened by your therapist")
    PLAN_SWITCHED = "plan.switched", CARE, _("The programme of your treatment plan was switched")
    PLAN_LANGUAGE = (
        "plan.language",
        CARE,
        _("Modules of your treatment plan were switched to your language"),
    )
    PLAN_VERSION = "plan.version", CARE, _("A module of your plan was moved to a newer version")

    PRACTICE_PATIENT_CREATED = (
        "practice.patient_created",
        ADMINISTRATION,
        _("A training patient was created"),
    )
    PRACTICE_REPLY_SAVED = "practice.reply_saved", CARE, _("A practice reply was saved")
    PRACTICE_VIEWED = "practice.viewed", CARE, _("A practice worksheet was viewed")

    PROGRAMME_CLINIC_ELIGIBILITY_RESET = (
        "programme.clinic_eligibility_reset",
        ADMINISTRATION,
        _("A clinic's programme eligibility was reset"),
    )
    PROGRAMME_CLINIC_ELIGIBILITY_SAVED = (
        "programme.clinic_eligibility_saved",
        ADMINISTRATION,
        _("A clinic's programme eligibility was saved"),
    )
    PROGRAMME_CREATED = "programme.created", ADMINISTRATION, _("A programme was created")
    PROGRAMME_DRAFT_CHANGED = (
        "programme.draft_changed",
        ADMINISTRATION,
        _("A programme draft was changed"),
    )
    PROGRAMME_DRAFT_STARTED = (
        "programme.draft_started",
        ADMINISTRATION,
        _("A programme draft was started"),
    )
    PROGRAMME_MODULES_SET = (
        "programme.modules_set",
        ADMINISTRATION,
        _("The modules of a programme were set"),
    )
    PROGRAMME_TRANSLATION_CHANGED = (
        "programme.translation_changed",
        ADMINISTRATION,
        _("A programme's patient text in another language was changed"),
    )
    PROGRAMME_PUBLISHED = "programme.published", ADMINISTRATION, _("A programme was published")

    REFERRER_TOKEN_ISSUED = (
        "referrer_token.issued",
        ADMINISTRATION,
        _("An access key for referrals was issued"),
    )
    REFERRER_TOKEN_REVOKED = (
        "referrer_token.revoked",
        ADMINISTRATION,
        _("An access key for referrals was revoked"),
    )

    REGION_ADMIN_GRANTED = (
        "region.admin_granted",
        ADMINISTRATION,
        _("A region administrator was appointed"),
    )
    REGION_CREATED = "region.created", ADMINISTRATION, _("A region was created")

    REPORT_COSTS_SET = (
        "report.costs_set",
        ADMINISTRATION,
        _("A clinic's costs for its reports were set"),
    )
    REPORT_DASHBOARD_VIEWED = (
        "report.dashboard_viewed",
        ADMINISTRATION,
        _("A clinic's implementation dashboard was viewed"),
    )
    REPORT_DOWNLOADED = (
        "report.downloaded",
        ADMINISTRATION,
        _("A table of a report was downloaded"),
    )
    REPORT_OUTCOMES_VIEWED = (
        "report.outcomes_viewed",
        ADMINISTRATION,
        _("An outcome report was viewed"),
    )
    REPORT_OUTCOME_TABLE_VIEWED = (
        "report.outcome_table_viewed",
        CARE,
        _("A table of treatment outcomes that lists you was viewed"),
    )
    REPORT_QUARTERLY_BUILT = (
        "report.quarterly_built",
        ADMINISTRATION,
        _("A quarterly service report was built"),
    )
    REPORT_QUARTERLY_DOWNLOADED = (
        "report.quarterly_downloaded",
        ADMINISTRATION,
        _("A quarterly service report was downloaded"),
    )
    REPORT_REGISTER_EXPORTED = (
        "report.register_exported",
        ADMINISTRATION,
        _("Data were exported to a quality register"),
    )
    REPORT_REGISTER_EXPORT_QUEUED = (
        "report.register_export_queued",
        ADMINISTRATION,
        _("An export to a quality register was started in the background"),
    )

    RESPONSE_FHIR_VIEWED = (
        "response.fhir.viewed",
        CARE,
        _("Your questionnaire answers were read by another system"),
    )
    RESPONSE_SUBMITTED = "response.submitted", CARE, _("A questionnaire was answered")
    RESPONSE_VIEWED = "response.viewed", CARE, _("Your questionnaire answers were viewed")

    RISK_ALERT_ACKNOWLEDGED = (
        "risk_alert.acknowledged",
        CARE,
        _("A risk alert about you was acknowledged"),
    )
    RISK_ALERT_ACKNOWLEDGEMENT_LAPSED = (
        "risk_alert.acknowledgement_lapsed",
        CARE,
        _("A risk alert about you was handed back, as the person dealing with it no longer could"),
    )
    RISK_ALERT_ESCALATED = "risk_alert.escalated", CARE, _("A risk alert about you was escalated")
    RISK_ALERT_HELP_REQUESTED = "risk_alert.help_requested", SELF, _("You asked for help")
    RISK_ALERT_OPENED = "risk_alert.opened", CARE, _("A risk alert about you was opened")
    RISK_ALERT_RAISED = "risk_alert.raised", CARE, _("A risk alert about you was raised")
    RISK_ALERT_RESOLVED = "risk_alert.resolved", CARE, _("A risk alert about you was resolved")
    RISK_ALERT_VIEWED = "risk_alert.viewed", CARE, _("A risk alert about you was viewed")

    SAFETY_PLAN_SAVED = "safety_plan.saved", CARE, _("Your safety plan was saved")
    SAFETY_PLAN_VIEWED = "safety_plan.viewed", CARE, _("Your safety plan was viewed")

    SESSION_SIGNED_IN = "session.signed_in", ADMINISTRATION, _("Someone signed in")
    SESSION_SIGNED_OUT = "session.signed_out", ADMINISTRATION, _("Someone signed out")

    SESSIONS_VIEWED = "sessions.viewed", CARE, _("Your sessions were viewed")

    STAFF_CASELOAD_HANDED_OVER = (
        "staff.caseload_handed_over",
        CARE,
        _("Your care was handed to a new therapist"),
    )
    STAFF_THERAPIST_CHANGED = (
        "staff.therapist_changed",
        CARE,
        _("Your care was given to another therapist"),
    )
    STAFF_INVITED = "staff.invited", ADMINISTRATION, _("A staff member was invited")
    STAFF_OFFBOARDED = (
        "staff.offboarded",
        ADMINISTRATION,
        _("A staff member left: sessions ended and roles removed"),
    )
    STAFF_ROLE_CHANGED = (
        "staff.role_changed",
        ADMINISTRATION,
        _("A staff member's caseload, hours or on-call duty was changed"),
    )
    STAFF_ROLE_GRANTED = "staff.role_granted", ADMINISTRATION, _("A staff role was granted")
    STAFF_ROLE_REMOVED = "staff.role_removed", ADMINISTRATION, _("A staff role was removed")

    SUPERVISION_CASE_FOLLOWED = (
        "supervision.case_followed",
        SUPERVISION,
        _("Your care was taken up in supervision"),
    )
    SUPERVISION_CASE_UNFOLLOWED = (
        "supervision.case_unfollowed",
        SUPERVISION,
        _("Your care was no longer followed in supervision"),
    )
    SUPERVISION_LIST_VIEWED = (
        "supervision.list_viewed",
        SUPERVISION,
        _("A list of supervised cases was viewed"),
    )
    SUPERVISION_NOTE_ADDED = (
        "supervision.note_added",
        SUPERVISION,
        _("A supervision note about your care was written"),
    )
    SUPERVISION_VIEWED = (
        "supervision.viewed",
        SUPERVISION,
        _("Supervision of your care was viewed"),
    )

    RESEARCH_CONSENT_DECLINED = (
        "research.consent_declined",
        RESEARCH,
        _("You declined to take part in a research study"),
    )
    RESEARCH_CONSENT_GIVEN = (
        "research.consent_given",
        RESEARCH,
        _("You consented to take part in a research study"),
    )
    RESEARCH_DEVIATION_RECORDED = (
        "research.deviation_recorded",
        RESEARCH,
        _("A deviation from a study's protocol was recorded"),
    )
    RESEARCH_DISCONTINUED = (
        "research.discontinued",
        RESEARCH,
        _("A study recorded that you stopped taking part"),
    )
    RESEARCH_ELIGIBILITY_CONFIRMED = (
        "research.eligibility_confirmed",
        RESEARCH,
        _("A study confirmed you can take part"),
    )
    RESEARCH_APPLICATION_ANSWERED = (
        "research.application_answered",
        RESEARCH,
        _("You answered about a research study when applying"),
    )
    RESEARCH_EXCLUDED = "research.excluded", RESEARCH, _("A study recorded you will not take part")
    RESEARCH_INVITED = "research.invited", RESEARCH, _("You were invited to a research study")
    RESEARCH_MEASURES_SCHEDULED = (
        "research.measures_scheduled",
        RESEARCH,
        _("Questionnaires for a research study were planned for you"),
    )
    RESEARCH_MEASURES_VIEWED = (
        "research.measures_viewed",
        RESEARCH,
        _("Your answers in a research study were viewed"),
    )
    RESEARCH_PARTICIPANT_VIEWED = (
        "research.participant_viewed",
        RESEARCH,
        _("Your part in a research study was viewed"),
    )
    RESEARCH_RANDOMISED = (
        "research.randomised",
        RESEARCH,
        _("You were allocated to a group of a research study"),
    )
    RESEARCH_UNBLINDED = (
        "research.unblinded",
        RESEARCH,
        _("Your group in a research study was revealed to its assessors"),
    )
    RESEARCH_WITHDRAWN = "research.withdrawn", RESEARCH, _("You withdrew from a research study")

    STUDY_ARM_SAVED = "study.arm_saved", RESEARCH, _("An arm of a study was saved")
    STUDY_CLOSED = "study.closed", RESEARCH, _("A study closed recruitment")
    STUDY_CONSENT_PUBLISHED = (
        "study.consent_published",
        RESEARCH,
        _("A study's consent text was published"),
    )
    STUDY_CREATED = "study.created", RESEARCH, _("A study was created")
    STUDY_EXPORTED = "study.exported", RESEARCH, _("A study's de-identified data were exported")
    STUDY_MEASURE_ADDED = "study.measure_added", RESEARCH, _("A research measure was added")
    STUDY_MEMBER_ADDED = "study.member_added", RESEARCH, _("Someone joined a study's staff")
    STUDY_MEMBER_REMOVED = "study.member_removed", RESEARCH, _("Someone left a study's staff")
    STUDY_RECRUITMENT_OPENED = (
        "study.recruitment_opened",
        RESEARCH,
        _("A study opened recruitment"),
    )
    STUDY_SEQUENCE_EXTENDED = (
        "study.sequence_extended",
        RESEARCH,
        _("A study's allocation sequence was extended"),
    )
    STUDY_UPDATED = "study.updated", RESEARCH, _("A study's protocol details were changed")

    TIME_CORRECTED = "time.corrected", CARE, _("Time spent on your care was corrected")
    TIME_TRACKING_STARTED = (
        "time.tracking_started",
        CARE,
        _("Time spent on your care was recorded"),
    )
    TIME_VIEWED = "time.viewed", CARE, _("Time spent on your care was viewed")

    WORKSHEET_MARKED_SEEN = (
        "worksheet.marked_seen",
        CARE,
        _("Your worksheet answer was marked as read"),
    )
    WORKSHEET_SUBMITTED = "worksheet.submitted", SELF, _("A worksheet answer was sent")
    WORKSHEET_VIEWED = "worksheet.viewed", CARE, _("Your worksheet answers were viewed")


CODES = frozenset(event.value for event in Event)


def event(code: str) -> Event:
    """The registered event of this code; ValueError for a code that is not registered."""
    try:
        return Event(code)
    except ValueError:
        raise ValueError(
            f"{code!r} is not a registered audit event code (audit/events.py)"
        ) from None


def label(code: str) -> str:
    """The words for a stored code in the active language; the code itself if unknown."""
    try:
        return str(Event(code).label)
    except ValueError:
        return code
