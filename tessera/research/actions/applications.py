"""Research consent inside the self-referral flow: an applicant to a clinic with a study
open for recruitment reads its information and consents or declines, apart from the
application (consent to care). Either answer leaves the application as it is; when the
patient's episode is later invited to the study, the answer is carried over (the
consent with the version read, or a decline)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import audit
from tessera.intake.models import Status as ApplicationStatus

from ..models import ApplicationAnswer, ConsentVersion, Participant, Study
from .common import participant_event
from .participants import latest_consent

# An application the clinic declined, referred elsewhere or found to copy another leads
# to no course here: an answer given on it would never be carried over (``carry_over``
# reads the answers of the course's own application), so no study is offered on it
# (decision 0135: the status page went on inviting a declined applicant to a study).
NO_COURSE_HERE = (
    ApplicationStatus.DECLINED,
    ApplicationStatus.REDIRECTED,
    ApplicationStatus.DUPLICATE,
)


def open_studies_for(application) -> list[Study]:
    """The studies recruiting at the application's clinic that have a consent text in the
    application's language or in English; none for an application that leads to no course
    at the clinic."""
    if application.status in NO_COURSE_HERE:
        return []
    # Only a study with a text the applicant can read (theirs, or English): one without
    # was a page with nothing to consent to (decision 0135).
    return list(
        Study.objects.filter(
            clinics=application.clinic_id,
            status=Study.Status.RECRUITING,
            consent_versions__language__in={application.language, "en"},
        )
        .distinct()
        .order_by("title")
    )


@transaction.atomic
def do_answer_at_application(
    application, study: Study, *, consent: ConsentVersion | None, acting_user
) -> ApplicationAnswer:
    """Consent (``consent`` is the version read) or decline (``consent`` None), once."""
    if application.applicant_id != getattr(acting_user, "pk", None):
        raise PermissionDenied
    if application.status in NO_COURSE_HERE:
        raise ValidationError(
            _(
                "Your application did not lead to a course at this clinic, so there is no "
                "study to answer about. Nothing was changed."
            )
        )
    if study not in open_studies_for(application):
        raise ValidationError(_("The study is no longer recruiting."))
    if consent is not None:
        if consent.study_id != study.pk:
            raise ValidationError(_("This consent text belongs to another study."))
        latest = latest_consent(study, consent.language)
        if latest is None or latest.pk != consent.pk:
            raise ValidationError(_("The consent text has changed: read the new version."))
    answer = ApplicationAnswer.Answer.CONSENTED if consent else ApplicationAnswer.Answer.DECLINED
    try:
        with transaction.atomic():
            row = ApplicationAnswer.objects.create(
                application=application,
                study=study,
                answer=answer,
                consent_version=consent,
                answered_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("You have already answered about this study.")) from None
    changes = {"study": study.pk, "answer": answer}
    if consent:
        changes |= {"language": consent.language, "version": consent.version}
    audit.record(
        "research.application_answered",
        actor=acting_user,
        patient=application.patient,
        clinic=application.clinic,
        obj=row,
        changes=changes,
    )
    return row


def carry_over(participant: Participant, *, acting_user) -> Participant:
    """On invitation: the answer the patient gave when applying, if any."""
    answer = (
        ApplicationAnswer.objects.filter(
            study=participant.study_id, application__episode=participant.episode_id
        )
        .select_related("consent_version")
        .first()
    )
    if answer is None:
        return participant
    if answer.answer == ApplicationAnswer.Answer.CONSENTED:
        participant.consent_version = answer.consent_version
        participant.consented_at = answer.answered_at
        participant.save(update_fields=["consent_version", "consented_at"])
        code, changes = (
            "research.consent_given",
            {
                "language": answer.consent_version.language,
                "version": answer.consent_version.version,
                "given": "when applying",
            },
        )
    else:
        participant.excluded_at = answer.answered_at
        participant.exclusion = Participant.Exclusion.DECLINED
        participant.save(update_fields=["excluded_at", "exclusion"])
        code, changes = "research.consent_declined", {"given": "when applying"}
    participant_event(code, participant, acting_user=acting_user, changes=changes)
    return participant
