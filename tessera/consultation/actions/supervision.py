"""Supervision: following a case and writing supervision notes (audited)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tessera.core import access, audit
from tessera.core.models import Episode

from ..models import (
    SupervisedCase,
    SupervisionNote,
)
from .consultations import SUPERVISION, _text


def _supervisor_of(user, episode) -> None:
    if not access.may_supervise(user, episode):
        raise PermissionDenied
    if not access.may_see_patient_data(user):
        raise PermissionDenied


@transaction.atomic
def do_follow_case(episode: Episode, *, acting_user) -> SupervisedCase:
    _supervisor_of(acting_user, episode)
    case, created = SupervisedCase.objects.get_or_create(episode=episode, supervisor=acting_user)
    if created:
        audit.record_for_episode(
            "supervision.case_followed",
            episode,
            actor=acting_user,
            obj=case,
            purpose=SUPERVISION,
        )
    return case


@transaction.atomic
def do_unfollow_case(episode: Episode, *, acting_user) -> None:
    _supervisor_of(acting_user, episode)
    case = SupervisedCase.objects.filter(episode=episode, supervisor=acting_user).first()
    if case is None:
        return
    audit.record_for_episode(
        "supervision.case_unfollowed",
        episode,
        actor=acting_user,
        obj=case,
        purpose=SUPERVISION,
    )
    case.delete()


@transaction.atomic
def do_add_supervision_note(
    episode: Episode, *, acting_user, text: str, submission_key: uuid.UUID
) -> SupervisionNote:
    existing = SupervisionNote.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.supervisor_id != acting_user.pk:
            raise PermissionDenied
        return existing
    _supervisor_of(acting_user, episode)
    note = SupervisionNote.objects.create(
        episode=episode,
        supervisor=acting_user,
        text=_text(text, "text"),
        submission_key=submission_key,
    )
    audit.record_for_episode(
        "supervision.note_added",
        episode,
        actor=acting_user,
        obj=note,
        purpose=SUPERVISION,
    )
    return note
