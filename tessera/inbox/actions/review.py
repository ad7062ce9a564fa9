"""Writes of the inbox and the overview: marking a worksheet seen, clinical notes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, submissions
from tessera.treatment.models import WorksheetAnswer

from ..models import MAX_NOTE, ClinicalNote


@transaction.atomic
def do_mark_worksheet_seen(answer: WorksheetAnswer, *, acting_user) -> WorksheetAnswer:
    """A submitted worksheet read by the care team that needs no written reply: it leaves
    the inbox (``feedback_at``/``feedback_by``). Marking it twice changes nothing."""
    answer = (
        WorksheetAnswer.objects.select_for_update(no_key=True)
        .select_related("entry__episode__clinic", "entry__episode__patient")
        .get(pk=answer.pk)
    )
    if answer.submitted_at is None:
        raise ValidationError(_("This worksheet has not been sent yet."))
    if answer.feedback_at is not None:
        return answer
    answer.feedback_at = timezone.now()
    answer.feedback_by = acting_user
    answer.save(update_fields=["feedback_at", "feedback_by"])
    episode = answer.entry.episode
    audit.record(
        "worksheet.marked_seen",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=answer,
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
        changes={"feedback": "seen, no reply needed"},
    )
    return answer


@transaction.atomic
def do_add_clinical_note(episode, *, acting_user, text: str, submission_key=None) -> ClinicalNote:
    """A note in the episode. The note form sent twice (same ``submission_key``, or the
    same text again within minutes) adds one note: the second time this returns the
    first, ``sent_before`` set (decision 0070)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    if len(text) > MAX_NOTE:
        message = _("A note can be at most %(max)d characters.") % {"max": MAX_NOTE}
        raise ValidationError({"text": message})
    return submissions.made_once(
        ClinicalNote,
        submission_key,
        lambda: _add_note(episode, acting_user, text, submission_key),
        same=ClinicalNote.objects.filter(
            episode=episode,
            author=acting_user,
            text=text,
            created_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=f"{acting_user.pk}:{episode.pk}",
        author_id=acting_user.pk,
        episode_id=episode.pk,
    )


def _add_note(episode, acting_user, text, submission_key) -> ClinicalNote:
    note = ClinicalNote(
        episode=episode, author=acting_user, text=text, submission_key=submission_key
    )
    note.full_clean()
    note.save()
    audit.record(
        "clinical_note.added",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=note,
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
        changes={"episode": episode.pk},
    )
    return note
