"""The assessment and its decision: accept (start now or the waiting list), decline, refer
on; and starting treatment from the waiting list.

Each locks the application, stamps the funnel (``assessed_at``, ``decided_at``,
``started_at``), writes a ``TriageAction`` and an audit event (purpose "intake"), and
writes the letters consent allows (``tessera.letters``), in one transaction. Accepting
creates or reuses the Patient (same national id, else the applicant's own record) with
the applicant's login linked, and opens the Episode through tessera.treatment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit
from tessera.core.actions import do_create_patient
from tessera.core.clinic_dates import clinic_date
from tessera.core.models import Episode, Patient
from tessera.letters.actions import do_write_application_letter
from tessera.programs import eligibility
from tessera.programs.eligibility import published_versions
from tessera.treatment.actions import EarlierAnswer, do_open_episode, do_start_treatment
from tessera.treatment.actions.plans import do_seed_plan

from .. import care_models, notify
from .. import diagnoses as icd10
from ..capacity import therapist_loads
from ..models import Application, Assessment, Decision, RiskLevel, Status, TriageAction
from .triage import _lock, _log, _save

Kind = TriageAction.Kind


def programme_choices(clinic):
    """Any published programme of the clinic's region (latest version of each)."""
    return published_versions([clinic.region_id])


def _check_therapist(clinic, therapist, over_capacity_ok: bool):
    loads = {load.user.pk: load for load in therapist_loads(clinic)}
    load = loads.get(therapist.pk) if therapist else None
    if load is None:
        raise ValidationError({"therapist": _("Choose one of the clinic's therapists.")})
    if load.full and not over_capacity_ok:
        raise ValidationError(
            {
                "therapist": _(
                    "%(name)s has %(n)s patients, their maximum is %(max)s. Choose someone "
                    "else, or confirm that you want to go over the maximum."
                )
                % {"name": therapist, "n": load.caseload, "max": load.max_caseload}
            }
        )


def _patient_for(application: Application, acting_user) -> Patient:
    """The application's Patient: the one already linked, the one with the same national
    id, the applicant's own, or a new one with the applicant's login."""
    if application.patient_id:
        return application.patient
    patient = None
    if application.national_id:
        patient = Patient.objects.filter(
            national_id=application.national_id,
            national_id_country=application.national_id_country,
        ).first()
    if patient is None and application.applicant_id:
        patient = Patient.objects.filter(user_id=application.applicant_id).first()
    if patient is not None:
        if (
            patient.user_id is None
            and application.applicant_id
            and not Patient.objects.filter(user_id=application.applicant_id).exists()
        ):
            patient.user_id = application.applicant_id
            patient.save(update_fields=["user"])
            audit.record(
                "patient.login_linked",
                actor=acting_user,
                clinic=application.clinic,
                patient=patient,
                obj=patient,
                purpose="intake",
                actor_role=access.actor_role_label(acting_user, application.clinic_id),
            )
        return patient
    if not application.has_details:
        raise ValidationError(
            _("The applicant's name and date of birth are needed to accept the application.")
        )
    referral = getattr(application, "referral", None)
    gp = {}
    if referral is not None:
        gp = {
            "gp_name": referral.referrer_name,
            "gp_practice": referral.organisation,
            "gp_phone": referral.phone,  # the same length: copied whole
            "gp_email": referral.secure_email,
            "letters_to_gp": referral.consent_to_letters,
        }
    return do_create_patient(
        acting_user=acting_user,
        clinic=application.clinic,
        user=application.applicant,
        first_name=application.first_name,
        last_name=application.last_name,
        date_of_birth=application.date_of_birth,
        national_id_country=application.national_id_country,
        national_id=application.national_id,
        email=application.email,
        phone=application.phone,
        preferred_language=application.language,
        **gp,
    )


def screening_baseline(application: Application, patient: Patient) -> list[EarlierAnswer]:
    """The application's screening answers, offered as the before-treatment scores: a
    recent one is not asked again at the start (treatment's ``BASELINE_WINDOW``,
    issue 20, item 9). Answered by the applicant (else the patient's own login)."""
    person = application.applicant or (patient.user if patient else None)
    return [
        EarlierAnswer(
            source=f"screening-{answer.pk}",
            instrument=answer.instrument,
            instrument_version=answer.instrument_version,
            language=answer.language,
            answers=answer.answers,
            total=answer.total,
            band=answer.band,
            result=answer.result,
            risk_flagged=answer.risk_flagged,
            submitted_at=answer.submitted_at,
            submitted_by=person,
        )
        for answer in application.screening_answers.all()
    ]


def _start(locked: Application, episode: Episode, acting_user, now) -> None:
    if not episode.plan.exists() and episode.programme_version_id:
        do_seed_plan(episode, episode.programme_version, acting_user=acting_user)
    do_start_treatment(
        episode,
        acting_user=acting_user,
        # The day of the application's start, not of a later reading of the clock: the
        # two agree across the clinic's midnight (decision 0121).
        start_on=clinic_date(locked.clinic, now),
        earlier_answers=screening_baseline(locked, episode.patient),
    )
    locked.status, locked.started_at = Status.ACCEPTED, now


def _validate(
    application,
    *,
    notes,
    diagnoses,
    risk_level,
    decision,
    reason,
    programme_version,
    care_model,
    therapist,
) -> None:
    errors = {}
    if not (notes or "").strip():
        errors["notes"] = _("Write the assessment notes.")
    unknown = [code for code in diagnoses if code not in icd10.codes()]
    if unknown:
        errors["diagnoses"] = _("Unknown ICD-10 codes: %s") % ", ".join(unknown)
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = _("Choose the level of risk.")
    if decision not in Decision.values:
        errors["decision"] = _("Choose a decision.")
    if decision in (Decision.ACCEPT, Decision.WAIT):
        allowed = {v.pk for v in programme_choices(application.clinic)}
        if programme_version is None or programme_version.pk not in allowed:
            errors["programme_version"] = _("Choose a published programme of the region.")
        if care_model not in {value for value, _label in care_models.offered(application.clinic)}:
            errors["care_model"] = _("Choose one of the care models the clinic runs.")
        if decision == Decision.ACCEPT and therapist is None:
            errors["therapist"] = _("Choose the responsible therapist.")
    elif not (reason or "").strip():
        errors["reason"] = _("Give the reason.")
    if errors:
        raise ValidationError(errors)


def _check_ready_to_accept(locked: Application, screening_skip_reason: str) -> None:
    """Treatment starts only with the person's consent on record (care only with
    consent: Patientlagen 2014:821, ch. 4) and their screening done, or a clinical
    reason recorded for going ahead without it (the NHS Talking Therapies manual: the
    measures before treatment are the baseline every outcome is judged against)."""
    errors = {}
    if locked.consent_accepted_at is None:
        errors["decision"] = _(
            "The person has not given consent yet. Ask them to complete their application "
            "before accepting."
        )
    if locked.screened_at is None and not (screening_skip_reason or "").strip():
        errors["screening_skip_reason"] = _(
            "Screening is not complete. Wait for it, or give the clinical reason for "
            "accepting without it."
        )
    if errors:
        raise ValidationError(errors)


def _accept(locked, assessment, acting_user, therapist, now, fields) -> None:
    """Accept: the patient, a waiting episode with the programme; started at once when
    the decision says so, or the care is unguided. Letters: accepted (and started)."""
    programme_version = assessment.programme_version
    patient = _patient_for(locked, acting_user)
    episode = do_open_episode(
        patient,
        locked.clinic,
        acting_user=acting_user,
        status=Episode.Status.WAITING,
        therapist=therapist,
        care_model=assessment.care_model,
    )
    # A therapist's new patient: an inbox row until they first look (issue 20, item 9).
    # Opened at the decision's instant (decision 0121; ``created_at`` is auto_now_add).
    Episode.objects.filter(pk=episode.pk).update(
        programme_version=programme_version,
        new_to_therapist=therapist is not None,
        created_at=now,
    )
    episode.created_at = now
    episode.programme_version = programme_version
    episode.new_to_therapist = therapist is not None
    locked.patient, locked.episode = patient, episode
    locked.status = Status.WAITING_LIST
    # Unguided care waits for no therapist's place: accepted is started, so the patient
    # can open the first module at once (issue 14), whichever acceptance was chosen.
    start_now = assessment.decision == Decision.ACCEPT or assessment.care_model == "unguided"
    if start_now:
        _start(locked, episode, acting_user, now)
    _save(locked, now, *fields, "patient", "episode", "started_at")
    kind = Kind.ACCEPT if start_now else Kind.WAIT
    _log(locked, acting_user, kind, details={"episode": episode.pk}, now=now)
    do_write_application_letter(
        locked, "accepted", acting_user=acting_user, context={"programme": programme_version}
    )
    if start_now:
        do_write_application_letter(locked, "started", acting_user=acting_user)
        notify.tell_new_therapist(episode)
    notify.tell_applicant(locked, "application_decided", f"application:{locked.pk}")


def _refuse(locked, assessment, acting_user, now, fields) -> None:
    """Decline, or refer on elsewhere (the reason says where). Letter: declined."""
    locked.decision_reason = assessment.reason
    if assessment.decision == Decision.DECLINE:
        locked.status = Status.DECLINED
        _save(locked, now, *fields, "decision_reason")
        _log(locked, acting_user, Kind.DECLINE, reason=assessment.reason, now=now)
        context = {"reason": assessment.reason}
    else:
        locked.status, locked.redirected_to = Status.REDIRECTED, assessment.reason
        _save(locked, now, *fields, "decision_reason", "redirected_to")
        _log(locked, acting_user, Kind.REDIRECT, reason=assessment.reason, now=now)
        context = {"elsewhere": assessment.reason}
    do_write_application_letter(locked, "declined", acting_user=acting_user, context=context)
    notify.tell_applicant(locked, "application_decided", f"application:{locked.pk}")


def _check_assessed_risk(application, risk_level, decision, programme_version) -> None:
    """Only a risk a clinician assessed as high excludes a programme (issue 12;
    docs/matching.md): refuse a programme whose rules at this clinic exclude "high_risk"
    when the assessment says the risk is high."""
    if risk_level != "high" or programme_version is None:
        return
    if decision not in (Decision.ACCEPT, Decision.WAIT):
        return
    override = eligibility.overrides_for([application.clinic_id]).get(
        (application.clinic_id, programme_version.programme_id)
    )
    rules = eligibility.effective_rules(programme_version, override)
    excluded = rules.get("exclude") if isinstance(rules, dict) else None
    if isinstance(excluded, list) and "high_risk" in excluded:
        raise ValidationError(
            {
                "programme_version": _(
                    "This programme is not for someone whose risk is assessed as high. "
                    "Choose another, or refer on."
                )
            }
        )


@transaction.atomic
def do_assess(
    application: Application,
    *,
    acting_user,
    notes: str,
    diagnoses: list[str],
    risk_level: str,
    risk_note: str = "",
    decision: str,
    reason: str = "",
    programme_version=None,
    care_model: str = "",
    therapist=None,
    over_capacity_ok: bool = False,
    screening_skip_reason: str = "",
) -> Assessment:
    """Record the assessment and carry out its decision. Accepting needs consent and a
    completed screening (or ``screening_skip_reason``, the clinical reason to go ahead
    without it)."""
    if not access.may_assess(acting_user, application):
        raise ValidationError(_("Only the clinic's assessors and managers record assessments."))
    _validate(
        application,
        notes=notes,
        diagnoses=diagnoses,
        risk_level=risk_level,
        decision=decision,
        reason=reason,
        programme_version=programme_version,
        care_model=care_model,
        therapist=therapist,
    )
    if therapist is not None:
        _check_therapist(application.clinic, therapist, over_capacity_ok)
    _check_assessed_risk(application, risk_level, decision, programme_version)
    locked = _lock(application, acting_user)
    if (
        locked.status == Status.WAITING_LIST
        or Assessment.objects.filter(application=locked).exists()
    ):
        raise ValidationError(_("This application has already been assessed."))
    now = timezone.now()
    accepting = decision in (Decision.ACCEPT, Decision.WAIT)
    skipped = ""
    if accepting:
        _check_ready_to_accept(locked, screening_skip_reason)
        skipped = "" if locked.screened_at else screening_skip_reason.strip()
    assessment = Assessment.objects.create(
        application=locked,
        booking=locked.bookings.filter(cancelled_at__isnull=True).order_by("-starts_at").first(),
        assessor=acting_user,
        notes=notes.strip(),
        diagnoses=list(diagnoses),
        risk_level=risk_level,
        risk_note=(risk_note or "").strip(),
        decision=decision,
        reason=(reason or "").strip(),
        programme_version=programme_version if accepting else None,
        care_model=care_model if accepting else "",
        assessed_at=now,
    )
    locked.assessed_at = locked.decided_at = now
    details = {"diagnoses": list(diagnoses), "risk": risk_level, "decision": decision}
    if skipped:
        details["screening_skipped"] = True
    reason_logged = _("Accepted without completed screening: %(reason)s") % {"reason": skipped}
    _log(
        locked,
        acting_user,
        Kind.ASSESS,
        reason=reason_logged if skipped else "",
        details=details,
        now=now,
    )
    fields = ("assessed_at", "decided_at")
    if accepting:
        _accept(locked, assessment, acting_user, therapist, now, fields)
    else:
        _refuse(locked, assessment, acting_user, now, fields)
    return assessment


@transaction.atomic
def do_start_from_waiting_list(
    application: Application, *, acting_user, therapist=None, over_capacity_ok: bool = False
) -> Episode:
    """Start treatment now for someone on the waiting list: the therapist (kept from the
    decision when none is given), the plan seeded from the programme, measures scheduled."""
    locked = _lock(application, acting_user)
    if locked.status != Status.WAITING_LIST or locked.episode_id is None:
        raise ValidationError(_("This application is not on the waiting list."))
    episode = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join.
        Episode.objects.select_for_update(no_key=True, of=("self",))
        .select_related("programme_version")
        .get(pk=locked.episode_id)
    )
    therapist = therapist or episode.therapist
    if therapist is None:
        raise ValidationError({"therapist": _("Choose the responsible therapist.")})
    if therapist.pk != episode.therapist_id:
        _check_therapist(locked.clinic, therapist, over_capacity_ok)
        episode.therapist = therapist
        episode.new_to_therapist = True  # the new therapist's "new patient" inbox row
        episode.save(update_fields=["therapist", "new_to_therapist"])
    now = timezone.now()
    _start(locked, episode, acting_user, now)
    _save(locked, now, "started_at")
    _log(locked, acting_user, Kind.START, details={"episode": episode.pk}, now=now)
    locked.episode = episode
    do_write_application_letter(locked, "started", acting_user=acting_user)
    notify.tell_new_therapist(episode)
    return episode
