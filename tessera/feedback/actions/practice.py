"""Training mode: practice patients and practice replies, kept out of every real list."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, submissions
from tessera.core import actions as core_actions
from tessera.core.models import Episode
from tessera.treatment.actions import do_open_episode

from ..models import PracticeReply, PracticeWorksheet
from ..practice_content import PATIENT, WORKSHEETS


@transaction.atomic
def do_save_practice_reply(
    worksheet: PracticeWorksheet, *, acting_user, body: str, submission_key, unmet=()
) -> PracticeReply:
    """Save a practice reply (never a real message). Sending the same form twice saves
    it once."""
    existing = PracticeReply.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.author_id != acting_user.pk:
            raise PermissionDenied
        return existing
    episode = worksheet.episode
    if not episode.patient.is_training or episode.therapist_id != acting_user.pk:
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a reply before saving it.")})
    reply = PracticeReply(
        worksheet=worksheet,
        author=acting_user,
        body=body,
        unmet=list(unmet),
        submission_key=submission_key,
    )
    reply.full_clean()
    reply.save()
    audit.record(
        "practice.reply_saved",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=reply,
        purpose="care",
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
        changes={"worksheet": worksheet.pk, "unmet": list(unmet)},
    )
    return reply


@transaction.atomic
def do_create_training_patient(therapist, clinic, *, acting_user, language: str = "en"):
    """A practice patient (``is_training``, no login) with an active episode at the
    clinic, the therapist responsible, and made-up submitted worksheets to answer.
    Returns the episode. It never appears among real patients, in inboxes or reports."""
    if clinic.pk not in access.practice_clinic_ids(therapist):
        raise ValidationError(_("Only a therapist of this clinic can have a practice patient."))
    if acting_user.pk != therapist.pk and clinic.pk not in access.shared_template_clinic_ids(
        acting_user
    ):
        raise PermissionDenied
    language = language if language in WORKSHEETS else "en"
    # The start form sent twice: the practice patient just made is the one (decision 0070).
    return submissions.made_once(
        Episode,
        None,
        lambda: _create_training_patient(therapist, clinic, acting_user, language),
        same=Episode.objects.filter(
            therapist=therapist,
            clinic=clinic,
            patient__is_training=True,
            patient__preferred_language=language,
            created_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=f"practice:{therapist.pk}",
    )


def _create_training_patient(therapist, clinic, acting_user, language):
    patient = core_actions.do_create_patient(
        acting_user=acting_user,
        clinic=clinic,
        date_of_birth=dt.date(1990, 1, 1),
        preferred_language=language,
        is_training=True,
        **PATIENT[language],
    )
    episode = do_open_episode(
        patient, clinic, acting_user=acting_user, status="active", therapist=therapist
    )
    now = timezone.now()
    PracticeWorksheet.objects.bulk_create(
        PracticeWorksheet(
            episode=episode,
            position=position,
            submitted_at=now - dt.timedelta(days=len(WORKSHEETS[language]) - position),
            **sheet,
        )
        for position, sheet in enumerate(WORKSHEETS[language], start=1)
    )
    audit.record(
        "practice.patient_created",
        actor=acting_user,
        clinic=clinic,
        patient=patient,
        obj=episode,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"therapist": therapist.pk, "language": language},
    )
    return episode
