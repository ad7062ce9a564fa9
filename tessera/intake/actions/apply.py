"""Writes of the applicant and the referrer: starting an application, consent, details,
screening, sending it, and a professional's referral. Atomic and audited.

Applications have no Patient yet, so audit rows name the clinic and the application
(object type "Application") and carry purpose "intake"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from tessera.core import audit, crisis, national_id, submissions, validation
from tessera.letters.actions import do_send_referral_receipt

from .. import duplicates, notify
from ..models import Application, ConsentText, Referral, ScreeningAnswer, Source, Status
from ..models.applications import UrgentReason
from ..screening import score_screening, screening_set
from .self_start import start_if_clean

DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "national_id_country",
    "national_id",
    "email",
    "phone",
    "language",
)


@transaction.atomic
def do_publish_consent_text(clinic, *, language: str, text: str, acting_user=None) -> ConsentText:
    """A new published version of the clinic's consent text in one language."""
    if not text.strip():
        raise ValidationError({"text": _("Write the consent text.")})
    last = ConsentText.objects.filter(clinic=clinic, language=language).order_by("-version")
    version = (last.values_list("version", flat=True).first() or 0) + 1
    consent = ConsentText.objects.create(
        clinic=clinic, language=language, version=version, text=text, published_at=timezone.now()
    )
    audit.record(
        "consent_text.published",
        actor=acting_user,
        clinic=clinic,
        obj=consent,
        purpose="administration",
        changes={"language": language, "version": version},
    )
    return consent


@transaction.atomic
def do_start_application(clinic, *, applicant, language: str = "en") -> Application:
    """The applicant's draft at this clinic: the one they left, or a new one."""
    if not clinic.accepts_self_referral:
        raise ValidationError(_("This clinic does not take self-referrals."))
    crisis.check_taking_patients(clinic)
    existing = Application.objects.filter(
        clinic=clinic, applicant=applicant, status=Status.DRAFT
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                clinic=clinic,
                source=Source.SELF,
                applicant=applicant,
                email=applicant.email,
                first_name=applicant.first_name,
                last_name=applicant.last_name,
                language=language,
                screening_set=screening_set(clinic),
            )
    except IntegrityError:
        # "Start" twice at the same moment (a double click, two tabs): the other request
        # made the draft; it is this one too. Before, a 500 page (decision 0152).
        return Application.objects.get(clinic=clinic, applicant=applicant, status=Status.DRAFT)
    audit.record_for_episode(
        "application.started",
        application,
        actor=applicant,
        obj=application,
        changes={"source": Source.SELF},
    )
    return application


def invited_address_matches(application: Application, user) -> bool:
    """The invitation went to one of the account's verified e-mail addresses."""
    from allauth.account.models import EmailAddress

    return bool(application.email) and (
        EmailAddress.objects.filter(
            user=user, email__iexact=application.email.strip(), verified=True
        ).exists()
    )


def can_confirm_identity(application: Application) -> bool:
    """Date of birth and at least four digits of an identity number are on record."""
    digits = "".join(c for c in application.national_id if c.isdigit())
    return application.date_of_birth is not None and len(digits) >= 4


def identity_matches(application: Application, date_of_birth, last_four: str) -> bool:
    digits = "".join(c for c in application.national_id if c.isdigit())
    return (
        can_confirm_identity(application)
        and date_of_birth == application.date_of_birth
        and constant_time_compare(digits[-4:], (last_four or "").strip())
    )


@transaction.atomic
def do_claim_invitation(
    application: Application, *, user, date_of_birth=None, last_four: str = ""
) -> Application:
    """A referred person who followed their invitation link takes over the application:
    only the invited person, shown by a verified e-mail address the invitation was sent
    to or by their date of birth and the last four digits of their identity number
    (attempts are limited by the caller). Once claimed, nobody else can claim it."""
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.applicant_id == user.pk:
        return locked
    if locked.applicant_id is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invited_address_matches(locked, user):
        how = "email"
    elif identity_matches(locked, date_of_birth, last_four):
        how = "identity"
    else:
        raise ValidationError(_("These details do not match the invitation."))
    locked.applicant = user
    if not locked.screening_set:
        locked.screening_set = screening_set(locked.clinic)
    locked.save(update_fields=["applicant", "screening_set"])
    audit.record_for_episode(
        "application.claimed", locked, actor=user, obj=locked, changes={"confirmed_by": how}
    )
    return locked


@transaction.atomic
def do_accept_consent(application: Application, consent: ConsentText, *, acting_user):
    if consent.clinic_id != application.clinic_id or consent.published_at is None:
        raise ValidationError(_("This consent text does not belong to this clinic."))
    application.consent = consent
    application.consent_accepted_at = timezone.now()
    application.save(update_fields=["consent", "consent_accepted_at"])
    audit.record_for_episode(
        "application.consent_given",
        application,
        actor=acting_user,
        obj=application,
        changes={
            "consent_text": consent.pk,
            "language": consent.language,
            "version": consent.version,
        },
    )
    return application


def clean_details(fields: dict) -> dict:
    """Validate personal details; the national identity number with core.national_id
    (its canonical form is kept, and its birth date must match)."""
    fields = dict(fields)
    validation.check_lengths(Application, fields)
    number = (fields.get("national_id") or "").strip()
    country = fields.get("national_id_country") or ""
    if number:
        if not country:
            raise ValidationError(
                {"national_id_country": _("Say which country issued the identity number.")}
            )
        try:
            parsed = national_id.validate_national_id(country, number)
        except national_id.InvalidNationalId as exc:
            raise ValidationError({"national_id": _(exc.message)}) from exc  # noqa: INT001
        fields["national_id"] = parsed.value
        born = fields.get("date_of_birth")
        if parsed.birth_date and born and parsed.birth_date != born:
            raise ValidationError(
                {"national_id": _("The identity number does not match the date of birth.")}
            )
    return fields


@transaction.atomic
def do_save_details(application: Application, *, acting_user, **fields) -> Application:
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not application detail fields: {sorted(unknown)}")
    fields = clean_details(fields)
    changed = sorted(k for k, v in fields.items() if getattr(application, k) != v)
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=list(fields))
    audit.record_for_episode(
        "application.details_saved",
        application,
        actor=acting_user,
        obj=application,
        changes={"fields": changed},
    )
    return application


def do_save_screening_draft(application: Application, code: str, answers: dict[int, int]):
    """Answers so far, so that leaving the page loses nothing. Not audited (a draft is
    the applicant's scratch space, as with questionnaires in treatment)."""
    drafts = dict(application.screening_drafts)
    drafts[code] = {str(k): v for k, v in answers.items()}
    Application.objects.filter(pk=application.pk).update(screening_drafts=drafts)
    application.screening_drafts = drafts


def screening_draft(application: Application, code: str) -> dict[int, int]:
    return {int(k): v for k, v in application.screening_drafts.get(code, {}).items()}


@transaction.atomic
def do_submit_screening(
    application: Application, code: str, answers: dict[int, int], *, acting_user, language: str
) -> ScreeningAnswer:
    """Score one screening questionnaire at once and keep it. A positive risk item marks
    the application urgent. Sending the same questionnaire again changes nothing."""
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    definition, result = score_screening(locked.clinic, code, answers)
    existing = ScreeningAnswer.objects.filter(application=locked, instrument=definition.code)
    if existing.exists():
        return existing.get()
    now = timezone.now()
    answer = ScreeningAnswer.objects.create(
        application=locked,
        instrument=definition.code,
        instrument_version=definition.version,
        language=language,
        answers={str(k): v for k, v in sorted(answers.items())},
        total=result.total,
        band=result.band.code if result.band else "",
        result=result.to_dict(),
        risk_flagged=bool(result.risk_flags),
        submitted_at=now,
    )
    drafts = {k: v for k, v in locked.screening_drafts.items() if k != definition.code}
    locked.screening_drafts = drafts
    update = ["screening_drafts"]
    if answer.risk_flagged and not locked.urgent:
        locked.urgent, locked.urgent_reason = True, UrgentReason.RISK_ITEM
        update += ["urgent", "urgent_reason"]
    done = set(
        ScreeningAnswer.objects.filter(application=locked).values_list("instrument", flat=True)
    )
    if locked.screened_at is None and set(locked.screening_set) <= done:
        locked.screened_at = now
        update.append("screened_at")
    locked.save(update_fields=update)
    application.__dict__.update({f: getattr(locked, f) for f in update})
    if locked.urgent and locked.status != Status.DRAFT:
        # A referred person's screening comes after the referral was submitted.
        notify.tell_intake_team_about_urgent(locked)
    audit.record_for_episode(
        "application.screening_submitted",
        locked,
        actor=acting_user,
        obj=locked,
        changes={"instrument": definition.code, "version": definition.version},
    )
    if "screened_at" in update and locked.status == Status.SUBMITTED:
        # A referred person's last questionnaire: a clean screening may start an unguided
        # course at once where the clinic allows it (self_start).
        start_if_clean(locked, acting_user=acting_user)
        application.status = locked.status
    return answer


def next_instrument(application: Application, done: set[str]) -> str | None:
    return next((code for code in application.screening_set if code not in done), None)


def _flag_duplicate(application: Application) -> None:
    older = duplicates.find_possible_duplicate(application)
    if older is not None:
        application.possible_duplicate_of = older
        application.save(update_fields=["possible_duplicate_of"])


@transaction.atomic
def do_submit_application(application: Application, *, acting_user) -> Application:
    """Send a self-referral to the clinic (once). Checks it is complete and looks for an
    earlier application of the same person."""
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.status != Status.DRAFT:
        return locked
    done = set(locked.screening_answers.values_list("instrument", flat=True))
    if locked.consent_id is None or not locked.has_details or next_instrument(locked, done):
        raise ValidationError(_("Some parts of the application are not finished yet."))
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    _flag_duplicate(locked)
    audit.record_for_episode(
        "application.submitted",
        locked,
        actor=acting_user,
        obj=locked,
        changes={"source": locked.source},
    )
    notify.tell_intake_team_about_urgent(locked)
    # A clean screening may start an unguided course at once (self_start); anything
    # else waits in the intake queue.
    start_if_clean(locked, acting_user=acting_user)
    return locked


@transaction.atomic
def do_refer(
    clinic,
    *,
    referral: dict,
    person: dict,
    acting_user=None,
    base_url: str = "",
    source: str = Source.PROFESSIONAL,
    submission_key=None,
) -> Application:
    """A professional's referral from the web form: an application (source professional,
    submitted at once) with its Referral, and an invitation to the person by e-mail to
    create an account and complete screening. The FHIR interface passes source=FHIR: its
    referrer's role, phone and e-mail may be missing (the token names the organisation).
    The form sent twice (same ``submission_key``) makes one application and one
    invitation: the second time this returns the first, ``sent_before`` set
    (``tessera.core.submissions``; the view shows its receipt only to the browser that
    sent it)."""
    if not clinic.accepts_professional_referral:
        raise ValidationError(_("This clinic does not take referrals from professionals."))
    crisis.check_taking_patients(clinic)
    row = submissions.made_once(
        Referral,
        submission_key,
        lambda: _refer(clinic, referral, person, acting_user, base_url, source, submission_key),
        # The FHIR interface has its own repeat check (the request's identifier).
        same=None if source == Source.FHIR else same_referral(clinic, referral, person, source),
        # The same person referred by the same referrer: one at a time (decision 0070).
        lock=f"{clinic.pk}:{referral.get('referrer_name', '')}:{person.get('email', '')}"
        f":{person.get('last_name', '')}",
    )
    application = row.application
    application.sent_before = getattr(row, "sent_before", False)
    if application.clinic_id != clinic.pk:
        raise ValidationError(submissions.SENT_BEFORE, code="sent_before")
    return application


def same_referral(clinic, referral: dict, person: dict, source: str = Source.PROFESSIONAL):
    """The referrals of the last minutes of this person by this referrer for this reason:
    the same form sent again (decision 0067)."""
    return Referral.objects.select_related("application").filter(
        application__clinic=clinic,
        application__source=source,
        application__first_name=person.get("first_name", ""),
        application__last_name=person.get("last_name", ""),
        application__date_of_birth=person.get("date_of_birth"),
        application__email=person.get("email", ""),
        referrer_name=referral.get("referrer_name", ""),
        reason=referral.get("reason", ""),
        created_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
    )


def referred_again(clinic, referral: dict, person: dict, *, key, receipt: str) -> bool:
    """Whether this referral form is one sent before from the browser whose receipt is
    ``receipt`` (its key, or the same referral from a page drawn anew): a repeat, which
    the rate limit does not count (decision 0070)."""
    if not receipt:
        return False
    if (
        key is not None
        and Referral.objects.filter(
            submission_key=key, application__reference=receipt, application__clinic=clinic
        ).exists()
    ):
        return True
    return same_referral(clinic, referral, person).filter(application__reference=receipt).exists()


def _refer(clinic, referral, person, acting_user, base_url, source, submission_key) -> Referral:
    unknown = set(person) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not application detail fields: {sorted(unknown)}")
    person = clean_details(person)
    now = timezone.now()
    application = Application.objects.create(
        clinic=clinic,
        source=source,
        status=Status.SUBMITTED,
        submitted_at=now,
        screening_set=screening_set(clinic),
        **person,
    )
    row = Referral(application=application, submission_key=submission_key, **referral)
    row.full_clean(exclude=["role", "phone", "secure_email"] if source == Source.FHIR else None)
    row.save()
    # One instant for the whole referral (decision 0121): ``created_at`` is
    # ``auto_now_add``, a later reading of the clock than ``submitted_at`` on its own.
    Application.objects.filter(pk=application.pk).update(created_at=now)
    Referral.objects.filter(pk=row.pk).update(created_at=now)
    application.created_at = row.created_at = now
    _flag_duplicate(application)
    audit.record_for_episode(
        "application.referred",
        application,
        actor=acting_user,
        obj=application,
        changes={"source": source},
    )

    do_send_referral_receipt(application, acting_user=acting_user)
    if application.email:
        notify.send_invitation(application, base_url=base_url)  # outbox row, sent after commit
    return row
