"""A participant's way through a study: invitation, research consent (or declining),
eligibility, exclusion, withdrawal by the patient, discontinuation, unblinding,
deviations. Consent to research is separate from consent to care: nothing here changes
the episode."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, submissions, validation
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.treatment import actions as treatment

from .. import eligibility
from ..models import ConsentVersion, Deviation, Participant, Study
from .common import participant_event, require, study_event

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym(study: Study) -> str:
    """A random per-study key (never derived from the identity number or the episode)."""
    while True:
        code = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))
        candidate = f"{study.key[:8].upper()}-{code}"
        if not study.participants.filter(pseudonym=candidate).exists():
            return candidate


def latest_consent(study: Study, language: str) -> ConsentVersion | None:
    versions = study.consent_versions.order_by("-version")
    return versions.filter(language=language).first() or versions.filter(language="en").first()


@transaction.atomic
def do_invite(study: Study, episode, *, acting_user) -> Participant:
    """Ask the patient of this episode to take part: counts as assessed for eligibility."""
    require(access.may_recruit(acting_user, study))
    if study.status != Study.Status.RECRUITING:
        raise ValidationError(_("The study is not recruiting."))
    if not study.clinics.filter(pk=episode.clinic_id).exists():
        raise ValidationError(_("This episode is not at one of the study's sites."))
    if episode.status == episode.Status.ENDED:
        raise ValidationError(_("This episode has ended."))
    if episode.patient.is_training:
        raise ValidationError(_("A practice patient cannot take part in a study."))
    if study.participants.filter(episode=episode).exists():
        raise ValidationError(_("This patient has already been asked to take part."))
    language = episode.patient.preferred_language
    if latest_consent(study, language) is None:
        # The patient's page would say "Please read the text below" over nothing, with
        # no way to consent (decision 0135): the text comes first.
        names = dict(LANGUAGE_CHOICES)
        raise ValidationError(
            _(
                "The study has no consent text in the patient's language (%(language)s) or "
                "in English yet. Publish one, then invite them."
            )
            % {"language": names.get(language, language)}
        )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                study=study,
                episode=episode,
                pseudonym=new_pseudonym(study),
                invited_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("This patient has already been asked to take part.")) from None
    participant_event("research.invited", participant, acting_user=acting_user)
    from .applications import carry_over

    return carry_over(participant, acting_user=acting_user)


def _ended_for_patient() -> str:
    return _(
        "Your treatment at the clinic has ended, so this invitation is closed. Nothing was changed."
    )


def invitation_closed(participant: Participant) -> str:
    """Why an invitation not yet answered can no longer be accepted, or "": the study
    stopped recruiting or the patient's course ended since it was sent. The patient's
    page then says so instead of offering a consent that would be refused."""
    if participant.study.status != Study.Status.RECRUITING:
        return _("The study is no longer recruiting.")
    if participant.episode.status == participant.episode.Status.ENDED:
        return _ended_for_patient()
    return ""


def _own(participant: Participant, user) -> Participant:
    """The participant row locked, if it is the user's own; 404-like refusal otherwise."""
    locked = (
        Participant.objects.select_for_update(no_key=True)
        .select_related("study", "episode")
        .get(pk=participant.pk)
    )
    if locked.episode.patient.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    return locked


@transaction.atomic
def do_give_consent(participant: Participant, consent: ConsentVersion, *, acting_user):
    """The patient accepts this version of the consent text; randomised at once if the
    study has already confirmed they are eligible."""
    locked = _own(participant, acting_user)
    if consent.study_id != locked.study_id:
        raise ValidationError(_("This consent text belongs to another study."))
    latest = latest_consent(locked.study, consent.language)
    if latest is None or latest.pk != consent.pk:
        raise ValidationError(_("The consent text has changed: read the new version."))
    if locked.consented_at or locked.excluded_at or locked.withdrawn_at:
        raise ValidationError(_("You have already answered this invitation."))
    if locked.study.status != Study.Status.RECRUITING:
        raise ValidationError(_("The study is no longer recruiting."))
    if locked.episode.status == locked.episode.Status.ENDED:
        # An invitation opened again after the discharge (an old e-mail, a page left
        # open): consent would lead to randomising a course that has ended (decision 0135).
        raise ValidationError(_ended_for_patient())
    locked.consent_version = consent
    locked.consented_at = timezone.now()
    locked.save(update_fields=["consent_version", "consented_at"])
    participant_event(
        "research.consent_given",
        locked,
        acting_user=acting_user,
        changes={"language": consent.language, "version": consent.version},
    )
    if locked.eligibility_confirmed_at:
        from .allocation import do_randomise

        do_randomise(locked, acting_user=acting_user)
    return locked


@transaction.atomic
def do_decline(participant: Participant, *, acting_user) -> Participant:
    locked = _own(participant, acting_user)
    if locked.consented_at or locked.excluded_at:
        raise ValidationError(_("You have already answered this invitation."))
    locked.excluded_at = timezone.now()
    locked.exclusion = Participant.Exclusion.DECLINED
    locked.save(update_fields=["excluded_at", "exclusion"])
    participant_event("research.consent_declined", locked, acting_user=acting_user)
    return locked


@transaction.atomic
def do_confirm_eligibility(participant: Participant, *, acting_user) -> Participant:
    """The recruiter confirms eligibility; the rules are checked against the screening
    and assessment first, and a participant who does not meet them cannot be confirmed.
    With consent already given, this is the moment of randomisation."""
    require(access.may_recruit(acting_user, participant.study))
    locked = (
        Participant.objects.select_for_update(no_key=True)
        .select_related("study", "episode")
        .get(pk=participant.pk)
    )
    if locked.excluded_at or locked.eligibility_confirmed_at or locked.withdrawn_at:
        raise ValidationError(_("Eligibility has already been decided for this participant."))
    if locked.episode.status == locked.episode.Status.ENDED:
        raise ValidationError(
            _(
                "This patient's treatment has ended, so they can no longer be randomised. "
                "Nothing was changed."
            )
        )
    result = eligibility.check(locked.study, locked.episode)
    if not result.eligible:
        raise ValidationError(
            _("Does not meet the eligibility rules: %(why)s") % {"why": " ".join(result.problems)}
        )
    locked.eligibility_confirmed_at = timezone.now()
    locked.eligibility_findings = result.as_json()
    locked.save(update_fields=["eligibility_confirmed_at", "eligibility_findings"])
    participant_event("research.eligibility_confirmed", locked, acting_user=acting_user)
    if locked.consented_at:
        from .allocation import do_randomise

        do_randomise(locked, acting_user=acting_user)
    return locked


@transaction.atomic
def do_exclude(participant: Participant, *, acting_user, reason: str, note: str = ""):
    require(access.may_recruit(acting_user, participant.study))
    locked = Participant.objects.select_for_update(no_key=True).get(pk=participant.pk)
    if reason not in Participant.Exclusion.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if locked.randomised_at or locked.excluded_at:
        raise ValidationError(_("This participant can no longer be excluded."))
    if reason == Participant.Exclusion.OTHER and not note.strip():
        raise ValidationError({"note": [_("Say why.")]})
    validation.check_lengths(
        Participant, {"exclusion_note": note.strip()}, names={"exclusion_note": "note"}
    )
    locked.excluded_at = timezone.now()
    locked.exclusion = reason
    locked.exclusion_note = note.strip()
    locked.save(update_fields=["excluded_at", "exclusion", "exclusion_note"])
    participant_event(
        "research.excluded", locked, acting_user=acting_user, changes={"reason": reason}
    )
    return locked


@transaction.atomic
def do_withdraw(participant: Participant, *, acting_user, choice: str) -> Participant:
    """The patient withdraws from the study: no new research data either way; with
    "remove", their data also leave every later export. Care continues unchanged."""
    locked = _own(participant, acting_user)
    if choice not in Participant.Withdrawal.values:
        raise ValidationError({"choice": [_("Choose what happens to your research data.")]})
    if locked.withdrawn_at:
        raise ValidationError(_("You have already withdrawn from this study."))
    if not locked.consented_at:
        raise ValidationError(_("You have not consented to this study."))
    locked.withdrawn_at = timezone.now()
    locked.withdrawal = choice
    locked.save(update_fields=["withdrawn_at", "withdrawal"])
    # Research measures not yet answered are no longer asked for; an occasion the clinic's
    # own schedule asks for too stays (care is unchanged).
    study_only = [rm.due for rm in locked.measures.filter(study_only=True).select_related("due")]
    treatment.do_cancel_occasions(
        study_only, acting_user=acting_user, source=f"study:{locked.study.key}"
    )
    participant_event(
        "research.withdrawn", locked, acting_user=acting_user, changes={"choice": choice}
    )
    return locked


@transaction.atomic
def do_discontinue(participant: Participant, *, acting_user, reason: str, note: str = ""):
    require(access.may_recruit(acting_user, participant.study))
    locked = Participant.objects.select_for_update(no_key=True).get(pk=participant.pk)
    if reason not in Participant.Discontinuation.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if not locked.randomised_at or locked.discontinued_at:
        raise ValidationError(_("Only a randomised participant can be recorded as stopping."))
    validation.check_lengths(
        Participant, {"discontinuation_note": note.strip()}, names={"discontinuation_note": "note"}
    )
    locked.discontinued_at = timezone.now()
    locked.discontinuation = reason
    locked.discontinuation_note = note.strip()
    locked.save(update_fields=["discontinued_at", "discontinuation", "discontinuation_note"])
    participant_event(
        "research.discontinued", locked, acting_user=acting_user, changes={"reason": reason}
    )
    return locked


@transaction.atomic
def do_unblind(participant: Participant, *, acting_user, reason: str) -> Participant:
    """Reveal this participant's arm to the study's blinded assessors, with a reason."""
    require(access.may_unblind(acting_user, participant.study))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the arm must be revealed.")]})
    validation.check_lengths(
        Participant, {"unblinding_reason": reason}, names={"unblinding_reason": "reason"}
    )
    locked = Participant.objects.select_for_update(no_key=True).get(pk=participant.pk)
    if not locked.randomised_at or locked.unblinded_at:
        raise ValidationError(_("There is no allocation to reveal, or it is already revealed."))
    locked.unblinded_at = timezone.now()
    locked.unblinding_reason = reason
    locked.save(update_fields=["unblinded_at", "unblinding_reason"])
    participant_event(
        "research.unblinded", locked, acting_user=acting_user, changes={"reason": reason}
    )
    return locked


@transaction.atomic
def do_record_deviation(study: Study, *, acting_user, description: str, participant=None):
    require(access.may_recruit(acting_user, study))
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("Say what happened.")]})
    if participant is not None and participant.study_id != study.pk:
        raise ValidationError(_("This participant is in another study."))
    validation.check_lengths(Deviation, {"description": description})
    # The form sent twice (a double click, back and send again): the same deviation by
    # the same person within minutes is the one recorded (decision 0070).
    return submissions.made_once(
        Deviation,
        None,
        lambda: _record_deviation(study, acting_user, description, participant),
        same=Deviation.objects.filter(
            study=study,
            participant=participant,
            recorded_by=acting_user,
            description=description,
            recorded_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=f"{acting_user.pk}:{study.pk}",
    )


def _record_deviation(study, acting_user, description, participant) -> Deviation:
    deviation = Deviation.objects.create(
        study=study, participant=participant, description=description, recorded_by=acting_user
    )
    if participant is not None:
        participant_event("research.deviation_recorded", participant, acting_user=acting_user)
    else:
        study_event("research.deviation_recorded", study, acting_user=acting_user, obj=deviation)
    return deviation
