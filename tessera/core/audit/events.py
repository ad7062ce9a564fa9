"""Every audit event code, with the purpose it implies and its words for each reader.

``audit.record`` accepts only these codes. Rows already stored keep their codes, so a code
is never renamed or removed here, only added. Each event is said twice (decision 0132):

- ``label``, from the patient's side ("Your treatment plan was viewed"): what "Who has
  seen my record" shows, and only that page;
- ``staff_label``, from the clinic's side ("Treatment plan viewed"): what every staff
  page shows (the audit search, its event choices, the security events). It names what
  happened first and says no "you": the reader is a manager, not the patient.

The purpose is the default of ``record``; a call site passes another when the same event
can have several (a patient changing their own details is "self", their therapist "care").
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
    """``Event.PLAN_VIEWED == "plan.viewed"``; ``.purpose``, ``.label`` (the patient's
    words) and ``.staff_label`` (the clinic's) go with it."""

    def __new__(cls, code: str, purpose: str, label, staff_label):
        member = str.__new__(cls, code)
        member._value_ = code
        member.purpose = purpose
        member.label = label
        member.staff_label = staff_label
        return member

    NOTIFICATIONS_FAILED_VIEWED = (
        "notifications.failed_viewed",
        ADMINISTRATION,
        _("A manager saw that a notification to you could not be sent"),
        _("Unsent notifications viewed"),
    )
    ACCOUNT_LANGUAGE_CHANGED = (
        "account.language_changed",
        ADMINISTRATION,
        _("A staff member changed the language they use Tessera in"),
        _("Staff member's language changed"),
    )

    APPLICATION_SUBMITTED = (
        "application.submitted",
        INTAKE,
        _("Your application for care was sent"),
        _("Application for care sent"),
    )
    APPLICATION_CLAIMED = (
        "application.claimed",
        INTAKE,
        _("An application for care was linked to your account"),
        _("Application linked to an account"),
    )
    APPLICATION_CONSENT_GIVEN = (
        "application.consent_given",
        INTAKE,
        _("You gave consent on your application"),
        _("Consent given on an application"),
    )
    APPLICATION_DETAILS_SAVED = (
        "application.details_saved",
        INTAKE,
        _("Details of your application were saved"),
        _("Application details saved"),
    )
    APPLICATION_REFERRED = (
        "application.referred",
        INTAKE,
        _("A referral for you was received"),
        _("Referral for care received"),
    )
    APPLICATION_SCREENING_SUBMITTED = (
        "application.screening_submitted",
        INTAKE,
        _("Your screening questionnaires were sent"),
        _("Screening questionnaires sent"),
    )
    APPLICATION_STARTED = (
        "application.started",
        INTAKE,
        _("An application for care was started"),
        _("Application for care started"),
    )
    APPLICATION_VIEWED = (
        "application.viewed",
        INTAKE,
        _("Your application for care was viewed"),
        _("Application viewed"),
    )
    APPLICATION_URGENT_ACKNOWLEDGED = (
        "application.urgent_acknowledged",
        INTAKE,
        _("Staff confirmed they are dealing with your urgent application"),
        _("Urgent application acknowledged"),
    )
    APPLICATION_URGENT_ACKNOWLEDGEMENT_LAPSED = (
        "application.urgent_acknowledgement_lapsed",
        INTAKE,
        _("Your urgent application was handed back, as the person dealing with it no longer could"),
        _("Urgent application handed back"),
    )
    APPLICATION_URGENT_ESCALATED = (
        "application.urgent_escalated",
        INTAKE,
        _("Your urgent application was passed on to the clinic's managers"),
        _("Urgent application passed to the managers"),
    )
    APPLICATION_ASK_INFO = (
        "application.ask_info",
        INTAKE,
        _("You were asked for more information about your application"),
        _("Applicant asked for more information"),
    )
    APPLICATION_BOOK_ASSESSMENT = (
        "application.book_assessment",
        INTAKE,
        _("An assessment was booked for you"),
        _("Assessment booked for an applicant"),
    )
    APPLICATION_DECLINE = (
        "application.decline",
        INTAKE,
        _("Your application was declined"),
        _("Application declined"),
    )
    APPLICATION_REDIRECT = (
        "application.redirect",
        INTAKE,
        _("You were referred elsewhere"),
        _("Applicant referred elsewhere"),
    )
    APPLICATION_MARK_DUPLICATE = (
        "application.mark_duplicate",
        INTAKE,
        _("Your application was marked as a duplicate"),
        _("Application marked as a duplicate"),
    )
    APPLICATION_MERGE = (
        "application.merge",
        INTAKE,
        _("A duplicate application was merged into yours"),
        _("Duplicate application merged"),
    )
    APPLICATION_ASSESS = (
        "application.assess",
        INTAKE,
        _("Your assessment was recorded"),
        _("Assessment recorded"),
    )
    APPLICATION_ACCEPT = (
        "application.accept",
        INTAKE,
        _("Your application was accepted and treatment started"),
        _("Application accepted and treatment started"),
    )
    APPLICATION_WAIT = (
        "application.wait",
        INTAKE,
        _("You were put on the waiting list"),
        _("Applicant put on the waiting list"),
    )
    APPLICATION_MESSAGE_SENT = (
        "application.message_sent",
        INTAKE,
        _("You wrote to the clinic about your application"),
        _("Applicant wrote about an application"),
    )
    APPLICATION_MESSAGE_ANSWERED = (
        "application.message_answered",
        INTAKE,
        _("The clinic answered your message about your application"),
        _("Applicant's message answered"),
    )
    APPLICATION_START = (
        "application.start",
        INTAKE,
        _("Your treatment started from the waiting list"),
        _("Treatment started from the waiting list"),
    )

    APPOINTMENT_BOOKED = (
        "appointment.booked",
        CARE,
        _("A session with you was booked"),
        _("Session booked"),
    )
    APPOINTMENT_CANCELLED = (
        "appointment.cancelled",
        CARE,
        _("A session with you was cancelled"),
        _("Session cancelled"),
    )
    APPOINTMENT_RECORDED = (
        "appointment.recorded",
        CARE,
        _("A session with you was recorded"),
        _("Session recorded"),
    )
    APPOINTMENT_CHANGE_ASKED = (
        "appointment.change_asked",
        SELF,
        _("You asked to move or cancel a session"),
        _("Patient asked to move or cancel a session"),
    )
    APPOINTMENT_CHANGE_HANDLED = (
        "appointment.change_handled",
        CARE,
        _("Your request to move or cancel a session was dealt with"),
        _("Request to move or cancel a session dealt with"),
    )

    AUDIT_SEARCHED = (
        "audit.searched",
        AUDIT,
        _("The audit trail was searched"),
        _("Audit trail searched"),
    )
    AUDIT_SECURITY_EVENTS_VIEWED = (
        "audit.security_events_viewed",
        AUDIT,
        _("The clinic's security events were viewed"),
        _("Security events viewed"),
    )
    AUTH_SIGN_IN_FAILED = (
        "auth.sign_in_failed",
        ADMINISTRATION,
        _("Someone tried to sign in to your account with a wrong password"),
        _("Sign-in failed: wrong password"),
    )
    AUTH_ADDRESS_LOCKED = (
        "auth.address_locked",
        ADMINISTRATION,
        _("Sign-in was paused for a network address after too many failures"),
        _("Sign-in paused for a network address"),
    )
    AUTH_MFA_FAILED = (
        "auth.mfa_failed",
        ADMINISTRATION,
        _("A wrong authenticator code was given for your account"),
        _("Wrong authenticator code given"),
    )
    AUTH_MFA_LOCKED = (
        "auth.mfa_locked",
        ADMINISTRATION,
        _("Authenticator codes were paused after too many wrong ones"),
        _("Authenticator codes paused after wrong ones"),
    )
    AUTH_MFA_REFUSED_LOCKED = (
        "auth.mfa_refused_locked",
        ADMINISTRATION,
        _("An authenticator code was refused while codes were paused"),
        _("Authenticator code refused while paused"),
    )
    SECURITY_INVITE_MISMATCH = (
        "security.invite_mismatch",
        INTAKE,
        _("Details given to claim an invitation did not match"),
        _("Invitation claim with details that did not match"),
    )
    SECURITY_INVITE_REFUSED = (
        "security.invite_refused",
        INTAKE,
        _("An invitation link was opened by an account it was not for"),
        _("Invitation opened by the wrong account"),
    )
    SECURITY_ACCESS_DENIED = (
        "security.access_denied",
        ADMINISTRATION,
        _("A page was refused to a signed-in person"),
        _("Page refused to a signed-in person"),
    )
    SECURITY_FHIR_AUTH_FAILED = (
        "security.fhir_auth_failed",
        ADMINISTRATION,
        _("A system's request was refused for lack of a valid token"),
        _("System request refused: no valid token"),
    )
    SECURITY_FHIR_SCOPE_REFUSED = (
        "security.fhir_scope_refused",
        ADMINISTRATION,
        _("A system's request was refused: its access does not cover it"),
        _("System request refused: outside its access"),
    )
    SECURITY_FHIR_RATE_LIMITED = (
        "security.fhir_rate_limited",
        ADMINISTRATION,
        _("A system sent more requests than its limit allows"),
        _("System request over its rate limit"),
    )
    SECURITY_RATE_LIMITED = (
        "security.rate_limited",
        ADMINISTRATION,
        _("A request was refused by a rate limit"),
        _("Request refused by a rate limit"),
    )
    SECURITY_FHIR_TOKEN_RATE_LIMITED = (
        "security.fhir_token_rate_limited",
        ADMINISTRATION,
        _("Too many token requests came from one address"),
        _("Too many token requests from one address"),
    )

    CASELOAD_VIEWED = (
        "caseload.viewed",
        CARE,
        _("A caseload listing you was viewed"),
        _("Caseload viewed"),
    )

    CLINIC_CREATED = (
        "clinic.created",
        ADMINISTRATION,
        _("A clinic was created"),
        _("Clinic created"),
    )
    CLINIC_CRISIS_CONTACT_ADDED = (
        "clinic.crisis_contact_added",
        ADMINISTRATION,
        _("A crisis contact of the clinic was added"),
        _("Crisis contact added"),
    )
    CLINIC_CRISIS_CONTACT_REMOVED = (
        "clinic.crisis_contact_removed",
        ADMINISTRATION,
        _("A crisis contact of the clinic was removed"),
        _("Crisis contact removed"),
    )
    CLINIC_ON_CALL_SHIFT_ADDED = (
        "clinic.on_call_shift_added",
        ADMINISTRATION,
        _("A stretch of on-call cover was added to the clinic's rota"),
        _("On-call cover added to the rota"),
    )
    CLINIC_ON_CALL_SHIFT_REMOVED = (
        "clinic.on_call_shift_removed",
        ADMINISTRATION,
        _("A stretch of on-call cover was removed from the clinic's rota"),
        _("On-call cover removed from the rota"),
    )
    CLINIC_MEASURE_ADDED = (
        "clinic.measure_added",
        ADMINISTRATION,
        _("A questionnaire was added to the clinic's schedule"),
        _("Questionnaire added to the clinic's schedule"),
    )
    CLINIC_MEASURE_REMOVED = (
        "clinic.measure_removed",
        ADMINISTRATION,
        _("A questionnaire was removed from the clinic's schedule"),
        _("Questionnaire removed from the clinic's schedule"),
    )
    CLINIC_RISK_THRESHOLD_SET = (
        "clinic.risk_threshold_set",
        ADMINISTRATION,
        _("A risk threshold of the clinic was set"),
        _("Risk threshold set"),
    )
    CLINIC_SETTINGS_CHANGED = (
        "clinic.settings_changed",
        ADMINISTRATION,
        _("The clinic's settings were changed"),
        _("Clinic settings changed"),
    )
    CLINIC_RATE_LIMITS_CHANGED = (
        "clinic.rate_limits_changed",
        ADMINISTRATION,
        _("The clinic's rate limits were changed"),
        _("Clinic rate limits changed"),
    )

    CLINICAL_NOTE_ADDED = (
        "clinical_note.added",
        CARE,
        _("A clinical note about you was written"),
        _("Clinical note written"),
    )

    CONSENT_TEXT_PUBLISHED = (
        "consent_text.published",
        ADMINISTRATION,
        _("A consent text was published"),
        _("Consent text published"),
    )

    CONSULTATION_COMMENTED = (
        "consultation.commented",
        CONSULTATION,
        _("A comment was written in a consultation about your care"),
        _("Consultation comment written"),
    )
    CONSULTATION_ENDED = (
        "consultation.ended",
        CONSULTATION,
        _("A consultation about your care ended"),
        _("Consultation ended"),
    )
    CONSULTATION_LIST_VIEWED = (
        "consultation.list_viewed",
        CONSULTATION,
        _("A list of consultations was viewed"),
        _("Consultation list viewed"),
    )
    CONSULTATION_REQUESTED = (
        "consultation.requested",
        CONSULTATION,
        _("A colleague was consulted about your care"),
        _("Colleague consulted about a patient's care"),
    )
    CONSULTATION_VIEWED = (
        "consultation.viewed",
        CONSULTATION,
        _("A consultation about your care was viewed"),
        _("Consultation viewed"),
    )

    CONTENT_PACKAGE_IMPORTED = (
        "content.package_imported",
        ADMINISTRATION,
        _("A content package was imported"),
        _("Content package imported"),
    )
    # The same package again: the attempt is in the trail, and says that nothing was
    # added (decision 0149); it was a second "imported" before.
    CONTENT_PACKAGE_ALREADY_THERE = (
        "content.package_already_there",
        ADMINISTRATION,
        _("A content package was imported again; it had nothing new"),
        _("Content package imported again: nothing new"),
    )

    DIARY_CORRECTED = (
        "diary.corrected",
        SELF,
        _("A diary entry was corrected"),
        _("Diary entry corrected"),
    )
    DIARY_REGISTERED = (
        "diary.registered",
        SELF,
        _("A diary entry was registered"),
        _("Diary entry registered"),
    )
    DIARY_VIEWED = "diary.viewed", CARE, _("Your diary was viewed"), _("Diary viewed")

    EPISODE_CARE_MODEL_CHANGED = (
        "episode.care_model_changed",
        CARE,
        _("The form of your treatment was changed"),
        _("Form of treatment changed"),
    )
    EPISODE_ENDED = (
        "episode.ended",
        CARE,
        _("Your treatment was ended"),
        _("Treatment episode ended"),
    )
    EPISODE_MEASURES_CANCELLED = (
        "episode.measures_cancelled",
        CARE,
        _("Questionnaires asked of you for a study were cancelled"),
        _("Study questionnaires cancelled"),
    )
    EPISODE_FHIR_VIEWED = (
        "episode.fhir.viewed",
        CARE,
        _("Your treatment record was downloaded in the health-record format (FHIR)"),
        _("Treatment record downloaded in FHIR format"),
    )
    EPISODE_MEASURES_SCHEDULED = (
        "episode.measures_scheduled",
        CARE,
        _("Your questionnaires were scheduled"),
        _("Questionnaires scheduled"),
    )
    EPISODE_OPENED = (
        "episode.opened",
        INTAKE,
        _("Your treatment episode was opened"),
        _("Treatment episode opened"),
    )
    EPISODE_SUMMARY_VIEWED = (
        "episode.summary.viewed",
        CARE,
        _("A summary of your treatment was downloaded as a PDF"),
        _("Treatment summary downloaded as a PDF"),
    )
    EPISODE_TREATMENT_STARTED = (
        "episode.treatment_started",
        CARE,
        _("Your treatment started"),
        _("Treatment episode started"),
    )
    EPISODE_VIEWED = (
        "episode.viewed",
        CARE,
        _("Your treatment episode was viewed"),
        _("Treatment episode viewed"),
    )
    EPISODE_NEW_PATIENT_SEEN = (
        "episode.new_patient_seen",
        CARE,
        _("Your new therapist opened your treatment for the first time"),
        _("Treatment first opened by its new therapist"),
    )

    FEEDBACK_TEMPLATE_CHANGED = (
        "feedback_template.changed",
        ADMINISTRATION,
        _("A feedback template was changed"),
        _("Feedback template changed"),
    )
    FEEDBACK_TEMPLATE_CREATED = (
        "feedback_template.created",
        ADMINISTRATION,
        _("A feedback template was created"),
        _("Feedback template created"),
    )
    FEEDBACK_TEMPLATE_DELETED = (
        "feedback_template.deleted",
        ADMINISTRATION,
        _("A feedback template was deleted"),
        _("Feedback template deleted"),
    )

    FHIR_API_READ = (
        "fhir.api_read",
        CARE,
        _("Your record was read by a connected health-record system"),
        _("Record read by a connected system"),
    )
    FHIR_BULK_EXPORT_CANCELLED = (
        "fhir.bulk_export_cancelled",
        ADMINISTRATION,
        _("A connected system cancelled an export of records"),
        _("Bulk export cancelled by a connected system"),
    )
    FHIR_BULK_EXPORT_REQUESTED = (
        "fhir.bulk_export_requested",
        ADMINISTRATION,
        _("A connected system asked for an export of records"),
        _("Bulk export requested by a connected system"),
    )
    FHIR_BULK_EXPORTED = (
        "fhir.bulk_exported",
        CARE,
        _("Your record was included in an export to a connected health-record system"),
        _("Record included in a bulk export"),
    )
    FHIR_BULK_FILE_READ = (
        "fhir.bulk_file_read",
        ADMINISTRATION,
        _("A connected system downloaded a file of an export"),
        _("Bulk export file downloaded"),
    )
    FHIR_CLIENT_REGISTERED = (
        "fhir.client_registered",
        ADMINISTRATION,
        _("A health-record system was allowed to connect"),
        _("Health-record system allowed to connect"),
    )
    FHIR_CLIENT_REVOKED = (
        "fhir.client_revoked",
        ADMINISTRATION,
        _("A health-record system's access was revoked"),
        _("Health-record system's access revoked"),
    )
    FHIR_LETTER_DELIVERED = (
        "fhir.letter_delivered",
        CARE,
        _("A letter about you was delivered to your health record"),
        _("Letter delivered to a health record"),
    )
    FHIR_RECORD_ENDPOINT_REGISTERED = (
        "fhir.record_endpoint_registered",
        ADMINISTRATION,
        _("A record system was registered to receive letters"),
        _("Record system registered for letters"),
    )
    FHIR_RECORD_SHARING_CHANGED = (
        "fhir.record_sharing_changed",
        ADMINISTRATION,
        _("A clinic changed whether the text of messages goes to health records"),
        _("Sharing of message text with health records changed"),
    )
    FHIR_TOKEN_ISSUED = (
        "fhir.token_issued",
        ADMINISTRATION,
        _("A connected health-record system was given a short-lived access token"),
        _("Access token issued to a connected system"),
    )
    FHIR_REFERRAL_RECEIVED = (
        "fhir.referral_received",
        INTAKE,
        _("A referral for you was received from another system"),
        _("Referral received from another system"),
    )
    FHIR_REFERRAL_STATUS_READ = (
        "fhir.referral_status_read",
        INTAKE,
        _("The status of your referral was read by another system"),
        _("Referral status read by another system"),
    )

    INBOX_VIEWED = "inbox.viewed", CARE, _("An inbox listing you was viewed"), _("Inbox viewed")

    INSTRUMENT_WORDING_SAVED = (
        "instrument.wording_saved",
        ADMINISTRATION,
        _("A questionnaire's wording was saved"),
        _("Questionnaire wording saved"),
    )

    LETTER_RECEIPT_SENT = (
        "letter.receipt_sent",
        CARE,
        _("The receipt for your referral was sent to the referrer"),
        _("Referral receipt sent to the referrer"),
    )
    LETTER_VIEWED = "letter.viewed", CARE, _("A letter about you was viewed"), _("Letter viewed")
    LETTER_WRITTEN = (
        "letter.written",
        CARE,
        _("A letter about you was written"),
        _("Letter written"),
    )

    LETTERS_VIEWED = "letters.viewed", CARE, _("Your letters were viewed"), _("Letters viewed")

    MEASURES_VIEWED = (
        "measures.viewed",
        CARE,
        _("Your questionnaire results were viewed"),
        _("Questionnaire results viewed"),
    )

    MEDIA_STORED = (
        "media.stored",
        ADMINISTRATION,
        _("A picture or file was stored in the library"),
        _("Picture or file stored in the library"),
    )

    MESSAGE_SENT = "message.sent", CARE, _("A message was sent"), _("Message sent")

    MESSAGES_VIEWED = "messages.viewed", CARE, _("Your messages were viewed"), _("Messages viewed")

    MFA_ADDED = (
        "mfa.added",
        ADMINISTRATION,
        _("A second sign-in factor was added"),
        _("Second sign-in factor added"),
    )
    MFA_REMOVED = (
        "mfa.removed",
        ADMINISTRATION,
        _("A second sign-in factor was removed"),
        _("Second sign-in factor removed"),
    )

    MODULE_COMPLETED = "module.completed", SELF, _("A module was completed"), _("Module completed")
    MODULE_CREATED = (
        "module.created",
        ADMINISTRATION,
        _("A module was created"),
        _("Module created"),
    )
    MODULE_DRAFT_CHANGED = (
        "module.draft_changed",
        ADMINISTRATION,
        _("A module draft was changed"),
        _("Module draft changed"),
    )
    MODULE_DRAFT_STARTED = (
        "module.draft_started",
        ADMINISTRATION,
        _("A module draft was started"),
        _("Module draft started"),
    )
    MODULE_PUBLISHED = (
        "module.published",
        ADMINISTRATION,
        _("A module was published"),
        _("Module published"),
    )
    MODULE_STEP_ADDED = (
        "module.step_added",
        ADMINISTRATION,
        _("A step was added to a module"),
        _("Module step added"),
    )
    MODULE_STEP_CHANGED = (
        "module.step_changed",
        ADMINISTRATION,
        _("A step of a module was changed"),
        _("Module step changed"),
    )
    MODULE_STEP_MOVED = (
        "module.step_moved",
        ADMINISTRATION,
        _("A step of a module was moved"),
        _("Module step moved"),
    )
    MODULE_STEP_REMOVED = (
        "module.step_removed",
        ADMINISTRATION,
        _("A step was removed from a module"),
        _("Module step removed"),
    )
    MODULE_TRANSLATION_LINKED = (
        "module.translation_linked",
        ADMINISTRATION,
        _("A module was linked as a translation of another"),
        _("Module linked as a translation"),
    )
    MODULE_TRANSLATION_STARTED = (
        "module.translation_started",
        ADMINISTRATION,
        _("A translation of a module was started"),
        _("Module translation started"),
    )
    MODULE_VIEWED = (
        "module.viewed",
        CARE,
        _("A module of your treatment was viewed"),
        _("Treatment module viewed"),
    )

    NOTIFICATIONS_PREFERENCES_CHANGED = (
        "notifications.preferences_changed",
        CARE,
        _("Your notification settings were changed"),
        _("Notification settings changed"),
    )

    OVERVIEW_VIEWED = (
        "overview.viewed",
        CARE,
        _("The overview of your treatment was viewed"),
        _("Treatment overview viewed"),
    )

    PATIENT_CREATED = (
        "patient.created",
        INTAKE,
        _("Your patient record was created"),
        _("Patient record created"),
    )
    PATIENT_DETAILS_CHANGED = (
        "patient.details_changed",
        CARE,
        _("Your contact details were changed"),
        _("Patient contact details changed"),
    )
    PATIENT_LIST_VIEWED = (
        "patient.list_viewed",
        CARE,
        _("A list of patients was viewed"),
        _("Patient list viewed"),
    )
    PATIENT_LOGIN_LINKED = (
        "patient.login_linked",
        INTAKE,
        _("Your account was linked to your patient record"),
        _("Account linked to a patient record"),
    )
    PATIENT_VIEWED = (
        "patient.viewed",
        CARE,
        _("Your patient record was viewed"),
        _("Patient record viewed"),
    )

    PLAN_VIEWED = (
        "plan.viewed",
        CARE,
        _("Your treatment plan was viewed"),
        _("Treatment plan viewed"),
    )
    PLAN_SEEDED = (
        "plan.seeded",
        CARE,
        _("Your treatment plan was started from a programme"),
        _("Treatment plan started from a programme"),
    )
    PLAN_ADDED = (
        "plan.added",
        CARE,
        _("A module was added to your treatment plan"),
        _("Module added to a treatment plan"),
    )
    PLAN_REMOVED = (
        "plan.removed",
        CARE,
        _("A module was removed from your treatment plan"),
        _("Module removed from a treatment plan"),
    )
    PLAN_MOVED = (
        "plan.moved",
        CARE,
        _("The order of your treatment plan was changed"),
        _("Treatment plan reordered"),
    )
    PLAN_UNLOCK = (
        "plan.unlock",
        CARE,
        _("The opening date of a module in your plan was changed"),
        _("Module opening date changed"),
    )
    PLAN_OPENED = (
        "plan.opened",
        CARE,
        _("A module of your plan was opened by your therapist"),
        _("Module opened early by the therapist"),
    )
    PLAN_SWITCHED = (
        "plan.switched",
        CARE,
        _("The programme of your treatment plan was switched"),
        _("Treatment plan switched to another programme"),
    )
    PLAN_LANGUAGE = (
        "plan.language",
        CARE,
        _("Modules of your treatment plan were switched to your language"),
        _("Plan modules switched to the patient's language"),
    )
    PLAN_VERSION = (
        "plan.version",
        CARE,
        _("A module of your plan was moved to a newer version"),
        _("Plan module moved to a newer version"),
    )

    PRACTICE_PATIENT_CREATED = (
        "practice.patient_created",
        ADMINISTRATION,
        _("A training patient was created"),
        _("Training patient created"),
    )
    PRACTICE_REPLY_SAVED = (
        "practice.reply_saved",
        CARE,
        _("A practice reply was saved"),
        _("Practice reply saved"),
    )
    PRACTICE_VIEWED = (
        "practice.viewed",
        CARE,
        _("A practice worksheet was viewed"),
        _("Practice worksheet viewed"),
    )

    PROGRAMME_CLINIC_ELIGIBILITY_RESET = (
        "programme.clinic_eligibility_reset",
        ADMINISTRATION,
        _("A clinic's programme eligibility was reset"),
        _("Clinic's programme eligibility reset"),
    )
    PROGRAMME_CLINIC_ELIGIBILITY_SAVED = (
        "programme.clinic_eligibility_saved",
        ADMINISTRATION,
        _("A clinic's programme eligibility was saved"),
        _("Clinic's programme eligibility saved"),
    )
    PROGRAMME_CREATED = (
        "programme.created",
        ADMINISTRATION,
        _("A programme was created"),
        _("Programme created"),
    )
    PROGRAMME_DRAFT_CHANGED = (
        "programme.draft_changed",
        ADMINISTRATION,
        _("A programme draft was changed"),
        _("Programme draft changed"),
    )
    PROGRAMME_DRAFT_STARTED = (
        "programme.draft_started",
        ADMINISTRATION,
        _("A programme draft was started"),
        _("Programme draft started"),
    )
    PROGRAMME_MODULES_SET = (
        "programme.modules_set",
        ADMINISTRATION,
        _("The modules of a programme were set"),
        _("Programme modules set"),
    )
    PROGRAMME_TRANSLATION_CHANGED = (
        "programme.translation_changed",
        ADMINISTRATION,
        _("A programme's patient text in another language was changed"),
        _("Programme translation changed"),
    )
    PROGRAMME_PUBLISHED = (
        "programme.published",
        ADMINISTRATION,
        _("A programme was published"),
        _("Programme published"),
    )

    REFERRER_TOKEN_ISSUED = (
        "referrer_token.issued",
        ADMINISTRATION,
        _("An access key for referrals was issued"),
        _("Referral access key issued"),
    )
    REFERRER_TOKEN_REVOKED = (
        "referrer_token.revoked",
        ADMINISTRATION,
        _("An access key for referrals was revoked"),
        _("Referral access key revoked"),
    )

    REGION_ADMIN_GRANTED = (
        "region.admin_granted",
        ADMINISTRATION,
        _("A region administrator was appointed"),
        _("Region administrator appointed"),
    )
    REGION_CREATED = (
        "region.created",
        ADMINISTRATION,
        _("A region was created"),
        _("Region created"),
    )

    REPORT_COSTS_SET = (
        "report.costs_set",
        ADMINISTRATION,
        _("A clinic's costs for its reports were set"),
        _("Report costs set"),
    )
    REPORT_DASHBOARD_VIEWED = (
        "report.dashboard_viewed",
        ADMINISTRATION,
        _("A clinic's implementation dashboard was viewed"),
        _("Implementation dashboard viewed"),
    )
    REPORT_DOWNLOADED = (
        "report.downloaded",
        ADMINISTRATION,
        _("A table of a report was downloaded"),
        _("Report table downloaded"),
    )
    REPORT_OUTCOMES_VIEWED = (
        "report.outcomes_viewed",
        ADMINISTRATION,
        _("An outcome report was viewed"),
        _("Outcome report viewed"),
    )
    REPORT_OUTCOME_TABLE_VIEWED = (
        "report.outcome_table_viewed",
        CARE,
        _("A table of treatment outcomes that lists you was viewed"),
        _("Treatment outcome table viewed"),
    )
    REPORT_QUARTERLY_BUILT = (
        "report.quarterly_built",
        ADMINISTRATION,
        _("A quarterly service report was built"),
        _("Quarterly service report built"),
    )
    REPORT_QUARTERLY_DOWNLOADED = (
        "report.quarterly_downloaded",
        ADMINISTRATION,
        _("A quarterly service report was downloaded"),
        _("Quarterly service report downloaded"),
    )
    REPORT_REGISTER_EXPORTED = (
        "report.register_exported",
        ADMINISTRATION,
        _("Data were exported to a quality register"),
        _("Quality register export sent"),
    )
    REPORT_REGISTER_EXPORT_QUEUED = (
        "report.register_export_queued",
        ADMINISTRATION,
        _("An export to a quality register was started in the background"),
        _("Quality register export started in the background"),
    )

    RESPONSE_FHIR_VIEWED = (
        "response.fhir.viewed",
        CARE,
        _("Your questionnaire answers were read by another system"),
        _("Questionnaire answers read by another system"),
    )
    RESPONSE_SUBMITTED = (
        "response.submitted",
        CARE,
        _("A questionnaire was answered"),
        _("Questionnaire answered"),
    )
    RESPONSE_VIEWED = (
        "response.viewed",
        CARE,
        _("Your questionnaire answers were viewed"),
        _("Questionnaire answers viewed"),
    )

    RISK_ALERT_ACKNOWLEDGED = (
        "risk_alert.acknowledged",
        CARE,
        _("A risk alert about you was acknowledged"),
        _("Risk alert acknowledged"),
    )
    RISK_ALERT_ACKNOWLEDGEMENT_LAPSED = (
        "risk_alert.acknowledgement_lapsed",
        CARE,
        _("A risk alert about you was handed back, as the person dealing with it no longer could"),
        _("Risk alert handed back"),
    )
    RISK_ALERT_ESCALATED = (
        "risk_alert.escalated",
        CARE,
        _("A risk alert about you was escalated"),
        _("Risk alert escalated"),
    )
    RISK_ALERT_HELP_REQUESTED = (
        "risk_alert.help_requested",
        SELF,
        _("You asked for help"),
        _("Patient asked for help"),
    )
    RISK_ALERT_OPENED = (
        "risk_alert.opened",
        CARE,
        _("A risk alert about you was opened"),
        _("Risk alert opened"),
    )
    RISK_ALERT_RAISED = (
        "risk_alert.raised",
        CARE,
        _("A risk alert about you was raised"),
        _("Risk alert raised"),
    )
    RISK_ALERT_RESOLVED = (
        "risk_alert.resolved",
        CARE,
        _("A risk alert about you was resolved"),
        _("Risk alert resolved"),
    )
    RISK_ALERT_VIEWED = (
        "risk_alert.viewed",
        CARE,
        _("A risk alert about you was viewed"),
        _("Risk alert viewed"),
    )

    SAFETY_PLAN_SAVED = (
        "safety_plan.saved",
        CARE,
        _("Your safety plan was saved"),
        _("Safety plan saved"),
    )
    SAFETY_PLAN_VIEWED = (
        "safety_plan.viewed",
        CARE,
        _("Your safety plan was viewed"),
        _("Safety plan viewed"),
    )

    SESSION_SIGNED_IN = "session.signed_in", ADMINISTRATION, _("Someone signed in"), _("Signed in")
    SESSION_SIGNED_OUT = (
        "session.signed_out",
        ADMINISTRATION,
        _("Someone signed out"),
        _("Signed out"),
    )

    SESSIONS_VIEWED = (
        "sessions.viewed",
        CARE,
        _("Your sessions were viewed"),
        _("Patient's sessions viewed"),
    )

    STAFF_CASELOAD_HANDED_OVER = (
        "staff.caseload_handed_over",
        CARE,
        _("Your care was handed to a new therapist"),
        _("Care handed to a new therapist"),
    )
    STAFF_THERAPIST_CHANGED = (
        "staff.therapist_changed",
        CARE,
        _("Your care was given to another therapist"),
        _("Care given to another therapist"),
    )
    STAFF_INVITED = (
        "staff.invited",
        ADMINISTRATION,
        _("A staff member was invited"),
        _("Staff member invited"),
    )
    STAFF_LEAVE_CHANGED = (
        "staff.leave_changed",
        ADMINISTRATION,
        _("A staff member's leave was changed: its days or who covers"),
        _("Staff leave changed"),
    )
    STAFF_LEAVE_ENDED = (
        "staff.leave_ended",
        ADMINISTRATION,
        _("A staff member's leave was ended early"),
        _("Staff leave ended early"),
    )
    STAFF_LEAVE_RECORDED = (
        "staff.leave_recorded",
        ADMINISTRATION,
        _("A staff member's leave was recorded, with who covers"),
        _("Staff leave recorded"),
    )
    STAFF_LEAVE_REMOVED = (
        "staff.leave_removed",
        ADMINISTRATION,
        _("A staff member's leave that had not begun was removed"),
        _("Staff leave removed"),
    )
    STAFF_OFFBOARDED = (
        "staff.offboarded",
        ADMINISTRATION,
        _("A staff member left: sessions ended and roles removed"),
        _("Staff member left: sessions ended, roles removed"),
    )
    STAFF_ROLE_CHANGED = (
        "staff.role_changed",
        ADMINISTRATION,
        _("A staff member's caseload, hours or on-call duty was changed"),
        _("Staff caseload, hours or on-call duty changed"),
    )
    STAFF_ROLE_GRANTED = (
        "staff.role_granted",
        ADMINISTRATION,
        _("A staff role was granted"),
        _("Staff role granted"),
    )
    STAFF_ROLE_REMOVED = (
        "staff.role_removed",
        ADMINISTRATION,
        _("A staff role was removed"),
        _("Staff role removed"),
    )

    SUPERVISION_CASE_FOLLOWED = (
        "supervision.case_followed",
        SUPERVISION,
        _("Your care was taken up in supervision"),
        _("Case taken up in supervision"),
    )
    SUPERVISION_CASE_UNFOLLOWED = (
        "supervision.case_unfollowed",
        SUPERVISION,
        _("Your care was no longer followed in supervision"),
        _("Case no longer followed in supervision"),
    )
    SUPERVISION_LIST_VIEWED = (
        "supervision.list_viewed",
        SUPERVISION,
        _("A list of supervised cases was viewed"),
        _("Supervised cases viewed"),
    )
    SUPERVISION_NOTE_ADDED = (
        "supervision.note_added",
        SUPERVISION,
        _("A supervision note about your care was written"),
        _("Supervision note written"),
    )
    SUPERVISION_VIEWED = (
        "supervision.viewed",
        SUPERVISION,
        _("Supervision of your care was viewed"),
        _("Supervision of a case viewed"),
    )

    RESEARCH_CONSENT_DECLINED = (
        "research.consent_declined",
        RESEARCH,
        _("You declined to take part in a research study"),
        _("Research consent declined"),
    )
    RESEARCH_CONSENT_GIVEN = (
        "research.consent_given",
        RESEARCH,
        _("You consented to take part in a research study"),
        _("Research consent given"),
    )
    RESEARCH_DEVIATION_RECORDED = (
        "research.deviation_recorded",
        RESEARCH,
        _("A deviation from a study's protocol was recorded"),
        _("Protocol deviation recorded"),
    )
    RESEARCH_DISCONTINUED = (
        "research.discontinued",
        RESEARCH,
        _("A study recorded that you stopped taking part"),
        _("Study participation discontinued"),
    )
    RESEARCH_ELIGIBILITY_CONFIRMED = (
        "research.eligibility_confirmed",
        RESEARCH,
        _("A study confirmed you can take part"),
        _("Study eligibility confirmed"),
    )
    RESEARCH_APPLICATION_ANSWERED = (
        "research.application_answered",
        RESEARCH,
        _("You answered about a research study when applying"),
        _("Research question answered when applying"),
    )
    RESEARCH_EXCLUDED = (
        "research.excluded",
        RESEARCH,
        _("A study recorded you will not take part"),
        _("Patient excluded from a study"),
    )
    RESEARCH_INVITED = (
        "research.invited",
        RESEARCH,
        _("You were invited to a research study"),
        _("Patient invited to a study"),
    )
    RESEARCH_MEASURES_SCHEDULED = (
        "research.measures_scheduled",
        RESEARCH,
        _("Questionnaires for a research study were planned for you"),
        _("Study questionnaires planned"),
    )
    RESEARCH_MEASURES_VIEWED = (
        "research.measures_viewed",
        RESEARCH,
        _("Your answers in a research study were viewed"),
        _("Study answers viewed"),
    )
    RESEARCH_PARTICIPANT_VIEWED = (
        "research.participant_viewed",
        RESEARCH,
        _("Your part in a research study was viewed"),
        _("Study participant viewed"),
    )
    RESEARCH_RANDOMISED = (
        "research.randomised",
        RESEARCH,
        _("You were allocated to a group of a research study"),
        _("Participant allocated to a study group"),
    )
    RESEARCH_UNBLINDED = (
        "research.unblinded",
        RESEARCH,
        _("Your group in a research study was revealed to its assessors"),
        _("Participant's study group revealed to assessors"),
    )
    RESEARCH_WITHDRAWN = (
        "research.withdrawn",
        RESEARCH,
        _("You withdrew from a research study"),
        _("Participant withdrew from a study"),
    )

    STUDY_ARM_SAVED = (
        "study.arm_saved",
        RESEARCH,
        _("An arm of a study was saved"),
        _("Study arm saved"),
    )
    STUDY_CLOSED = (
        "study.closed",
        RESEARCH,
        _("A study closed recruitment"),
        _("Study recruitment closed"),
    )
    STUDY_CONSENT_PUBLISHED = (
        "study.consent_published",
        RESEARCH,
        _("A study's consent text was published"),
        _("Study consent text published"),
    )
    STUDY_CREATED = "study.created", RESEARCH, _("A study was created"), _("Study created")
    STUDY_EXPORTED = (
        "study.exported",
        RESEARCH,
        _("A study's de-identified data were exported"),
        _("De-identified study data exported"),
    )
    STUDY_MEASURE_ADDED = (
        "study.measure_added",
        RESEARCH,
        _("A research measure was added"),
        _("Research measure added"),
    )
    STUDY_MEMBER_ADDED = (
        "study.member_added",
        RESEARCH,
        _("Someone joined a study's staff"),
        _("Study staff member added"),
    )
    STUDY_MEMBER_REMOVED = (
        "study.member_removed",
        RESEARCH,
        _("Someone left a study's staff"),
        _("Study staff member removed"),
    )
    STUDY_RECRUITMENT_OPENED = (
        "study.recruitment_opened",
        RESEARCH,
        _("A study opened recruitment"),
        _("Study recruitment opened"),
    )
    STUDY_SEQUENCE_EXTENDED = (
        "study.sequence_extended",
        RESEARCH,
        _("A study's allocation sequence was extended"),
        _("Study allocation sequence extended"),
    )
    STUDY_UPDATED = (
        "study.updated",
        RESEARCH,
        _("A study's protocol details were changed"),
        _("Study protocol details changed"),
    )

    TIME_CORRECTED = (
        "time.corrected",
        CARE,
        _("Time spent on your care was corrected"),
        _("Time spent on care corrected"),
    )
    TIME_TRACKING_STARTED = (
        "time.tracking_started",
        CARE,
        _("Time spent on your care was recorded"),
        _("Time spent on care recorded"),
    )
    TIME_VIEWED = (
        "time.viewed",
        CARE,
        _("Time spent on your care was viewed"),
        _("Time spent on care viewed"),
    )

    WORKSHEET_MARKED_SEEN = (
        "worksheet.marked_seen",
        CARE,
        _("Your worksheet answer was marked as read"),
        _("Worksheet answer marked as read"),
    )
    WORKSHEET_SUBMITTED = (
        "worksheet.submitted",
        SELF,
        _("A worksheet answer was sent"),
        _("Worksheet answer sent"),
    )
    WORKSHEET_VIEWED = (
        "worksheet.viewed",
        CARE,
        _("Your worksheet answers were viewed"),
        _("Worksheet answers viewed"),
    )


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
    """The patient's words for a stored code in the active language ("Your treatment plan
    was viewed"); the code itself if unknown. For the patient's own pages only."""
    try:
        return str(Event(code).label)
    except ValueError:
        return code


def staff_label(code: str) -> str:
    """The clinic's words for a stored code in the active language ("Treatment plan
    viewed"); the code itself if unknown. For every page staff read."""
    try:
        return str(Event(code).staff_label)
    except ValueError:
        return code
