"""Unguided courses that start at once (issue 14): at a clinic that allows it
(``Clinic.start_unguided_after_clean_screening``), an applicant whose screening is clean
starts an unguided self-help course as soon as the application is complete, with no
assessment, as MindSpot and THIS WAY UP do.

Clean means all of: consent given, every screening questionnaire answered, no risk
answer (the application is not urgent), no possible duplicate to settle, name and date
of birth given, and a programme whose eligibility rules at this clinic the screening
meets and that the screening points to, with nothing left to check; and no patient record
of the same person yet (a returning patient is the team's to see). Anything else goes
to the intake queue as before, and a risk answer alerts the intake team as before.

Sources (/work/shared/reference/): PLATFORMS.md — self-referral with online screening
(PHQ-9, GAD-7), self-guided courses (MindSpot, THIS WAY UP); CLINICAL.md §5 — a positive
risk item calls for further assessment by a clinician, so such an application is never
started without one.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tessera.core.models import Episode, Patient
from tessera.letters.actions import do_write_application_letter
from tessera.programs.matching import suggestions_for
from tessera.treatment.actions import do_open_episode

from .. import notify
from ..models import Application, Assessment, ScreeningAnswer, Status, TriageAction
from .decisions import _patient_for, _start
from .triage import _log, _save

UNGUIDED = "unguided"
logger = logging.getLogger(__name__)


def _returning(application: Application) -> bool:
    """Someone the clinic may know already (a patient record with the same identity
    number, or one on this login): the intake team sees them first, so a course never
    starts on a record the applicant cannot open, or beside one still running."""
    people = Patient.objects.none()
    if application.national_id:
        people = Patient.objects.filter(
            national_id=application.national_id,
            national_id_country=application.national_id_country,
        )
    if application.applicant_id:
        people = people | Patient.objects.filter(user_id=application.applicant_id)
    return people.exists()


def clean_screening_programme(application: Application):
    """The programme version to start at once, or None when the application must go to
    the intake queue (see the module docstring for what clean means)."""
    clinic = application.clinic
    if not (clinic.offers_unguided and clinic.start_unguided_after_clean_screening):
        return None
    if (
        application.status != Status.SUBMITTED
        or application.consent_accepted_at is None
        or application.screened_at is None
        or application.urgent
        or application.possible_duplicate_of_id is not None
        or application.duplicate_of_id is not None
        or application.episode_id is not None
        or not application.has_details
    ):
        return None
    if ScreeningAnswer.objects.filter(application=application, risk_flagged=True).exists():
        return None
    if Assessment.objects.filter(application=application).exists():
        return None
    if _returning(application):
        return None
    suggestions = suggestions_for([application])[application.pk]
    if suggestions.needs_risk_assessment:
        return None
    for suggestion in suggestions:
        if suggestion.suggested and not suggestion.problems and not suggestion.to_check:
            return suggestion.ref
    return None


def start_if_clean(application: Application, *, acting_user) -> Episode | None:
    """``do_start_after_clean_screening`` for the applicant's own sending: whatever goes
    wrong in starting (a rule of the episode or the plan refusing) leaves the application
    sent and in the intake queue, never a sending that fails (issue 14: no dead ends)."""
    try:
        with transaction.atomic():
            return do_start_after_clean_screening(application, acting_user=acting_user)
    except ValidationError:
        logger.warning("intake.self_start_refused application=%s", application.pk)
        return None


@transaction.atomic
def do_start_after_clean_screening(application: Application, *, acting_user) -> Episode | None:
    """Start an unguided course at once when the clinic allows it and the screening is
    clean; None (and nothing written) otherwise. ``acting_user`` is the applicant whose
    sending (or last screening answer) started it. Audited as an acceptance without an
    assessment; the GP letter says so; no therapist is told (there is none)."""
    locked = (
        Application.objects.select_for_update(no_key=True)
        .select_related("clinic")
        .get(pk=application.pk)
    )
    programme_version = clean_screening_programme(locked)
    if programme_version is None:
        return None
    now = timezone.now()
    patient = _patient_for(locked, acting_user)
    episode = do_open_episode(
        patient,
        locked.clinic,
        acting_user=acting_user,
        status=Episode.Status.WAITING,
        therapist=None,
        care_model=UNGUIDED,
    )
    # Opened at the start's instant (decision 0121; ``created_at`` is auto_now_add).
    Episode.objects.filter(pk=episode.pk).update(
        programme_version=programme_version, created_at=now
    )
    episode.programme_version, episode.created_at = programme_version, now
    locked.patient, locked.episode = patient, episode
    locked.decided_at = now
    _start(locked, episode, acting_user, now)
    _save(locked, now, "patient", "episode", "decided_at", "started_at")
    details = {
        "episode": episode.pk,
        "programme": programme_version.programme.key,
        "care_model": UNGUIDED,
        "without_assessment": True,
    }
    # The triage row and its audit event ("application.accept") say it was started
    # without an assessment, by the clinic's rule, when this applicant sent it.
    _log(locked, acting_user, TriageAction.Kind.ACCEPT, details=details, now=now)
    do_write_application_letter(
        locked,
        "started",
        acting_user=acting_user,
        context={"programme": programme_version, "without_assessment": True},
    )
    notify.tell_applicant(locked, "application_decided", f"application:{locked.pk}")
    application.status, application.started_at, application.decided_at = (
        locked.status,
        locked.started_at,
        now,
    )
    application.patient, application.episode = patient, episode
    return episode
