"""Consulting a colleague: a time-limited grant to one episode, comments and its end."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, submissions
from tessera.core.models import AuditEvent, Episode, User
from tessera.notifications.delivery import notify as tell

from .. import notify
from ..models import (
    DEFAULT_HOURS,
    MAX_HOURS,
    ConsultationComment,
    ConsultationRequest,
)

CONSULTATION = AuditEvent.Purpose.CONSULTATION
SUPERVISION = AuditEvent.Purpose.SUPERVISION
MAX_TEXT = 10_000


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Please write something here.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Please keep this under 10,000 characters.")})
    return value


def sees_by_own_role(user, episode) -> bool:
    """Whether the user's own roles (not a consultation grant) show them the episode."""
    return access.episode_in_own_scope(user, episode)


def colleagues_for(episode, asker) -> list[User]:
    """Staff with a clinical role at the episode's clinic, other than the asker."""
    return list(
        access.clinical_staff(episode.clinic_id)
        .exclude(pk=asker.pk)
        .order_by("first_name", "last_name", "email")
    )


def supervisors_of(clinic_id: int) -> list[User]:
    return list(access.supervisors(clinic_id))


@transaction.atomic
def do_ask_colleague(
    episode: Episode,
    *,
    acting_user,
    question: str,
    submission_key: uuid.UUID,
    colleague=None,
    to_supervisors: bool = False,
    draft: str = "",
    hours: int = DEFAULT_HOURS,
    link_base: str = "",
) -> ConsultationRequest:
    """Ask a named colleague, or the clinic's supervisors, about one episode. The
    colleague may see the episode until the request ends or expires."""
    existing = ConsultationRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.asker_id != acting_user.pk:
            raise PermissionDenied
        return existing  # the same form sent twice
    if not access.may_see_patient_data(acting_user) or not sees_by_own_role(acting_user, episode):
        raise PermissionDenied
    if episode.status == Episode.Status.ENDED:
        raise ValidationError(_("This episode has ended."))
    if (colleague is None) == (not to_supervisors):
        raise ValidationError({"colleague": _("Choose a colleague or the supervisor.")})
    if colleague is not None and colleague not in colleagues_for(episode, acting_user):
        raise ValidationError({"colleague": _("Choose a colleague at this clinic.")})
    if to_supervisors and not [s for s in supervisors_of(episode.clinic_id) if s != acting_user]:
        raise ValidationError({"colleague": _("This clinic has no supervisor to ask.")})
    if not 1 <= int(hours) <= MAX_HOURS:
        raise ValidationError({"hours": _("Choose between one hour and 14 days.")})
    # Back and the same question sent again (a fresh page, a new key): the one asked,
    # while it is still open (decision 0070).
    submissions.serialise(f"consultation:{acting_user.pk}:{episode.pk}")
    now = timezone.now()
    again = (
        ConsultationRequest.objects.filter(
            episode=episode,
            asker=acting_user,
            colleague=colleague,
            to_supervisors=to_supervisors,
            question=_text(question, "question"),
            created_at__gte=now - submissions.REPEAT_WINDOW,
            ended_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )
    if again is not None:
        again.sent_before = True
        return again
    request = ConsultationRequest.objects.create(
        episode=episode,
        asker=acting_user,
        colleague=colleague,
        to_supervisors=to_supervisors,
        question=_text(question, "question"),
        draft=(draft or "").strip()[:MAX_TEXT],
        created_at=now,
        expires_at=now + dt.timedelta(hours=int(hours)),
        asker_seen_at=now,
        submission_key=submission_key,
    )
    audit.record_for_episode(
        "consultation.requested",
        episode,
        actor=acting_user,
        obj=request,
        purpose=CONSULTATION,
        changes={
            "to": colleague.pk if colleague else "supervisors",
            "expires_at": request.expires_at.isoformat(),
            "with_draft": bool(request.draft),
        },
    )
    recipients = [colleague] if colleague else supervisors_of(episode.clinic_id)
    recipients = [r for r in recipients if r != acting_user]
    notify.consultation_requested(request, recipients, link_base)  # outbox rows, sent after commit
    return request


def _locked(request: ConsultationRequest) -> ConsultationRequest:
    return (
        ConsultationRequest.objects.select_for_update(no_key=True)
        .select_related("episode__clinic")
        .get(pk=request.pk)
    )


@transaction.atomic
def do_comment(
    request: ConsultationRequest, *, acting_user, text: str, submission_key: uuid.UUID
) -> ConsultationComment:
    """Add to the private thread. Only the two sides, and only while the request is live."""
    existing = ConsultationComment.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.author_id != acting_user.pk:
            raise PermissionDenied
        return existing
    if not ConsultationRequest.objects.visible_to(acting_user).filter(pk=request.pk).exists():
        raise PermissionDenied
    request = _locked(request)
    if not request.is_live:
        raise ValidationError(_("This consultation has ended; the thread is closed."))
    # Back and the same words sent again (a fresh page, a new key): the thread's last
    # comment, when it is theirs with these words, within the window (the request's row
    # is locked above). A reply in between makes the same words new.
    last = request.comments.order_by("-created_at", "-pk").first()
    if (
        last is not None
        and last.author_id == acting_user.pk
        and last.text == _text(text, "text")
        and last.created_at >= timezone.now() - submissions.REPEAT_WINDOW
    ):
        last.sent_before = True
        return last
    comment = ConsultationComment.objects.create(
        request=request,
        author=acting_user,
        text=_text(text, "text"),
        created_at=timezone.now(),
        submission_key=submission_key,
    )
    _mark_seen(request, acting_user, comment.created_at)
    if acting_user.pk != request.asker_id:
        # The colleague answered: the one who asked is told (once per comment).
        tell(
            request.asker,
            "consultation_answered",
            key=f"consultation_answered:{comment.pk}:{request.asker_id}",
            link=reverse("consultation_detail", args=[request.pk]),
            params={"request": request.pk},  # withdrawn once it ends (notify.py; 0105)
        )
    audit.record_for_episode(
        "consultation.commented",
        request.episode,
        actor=acting_user,
        obj=comment,
        purpose=CONSULTATION,
        changes={"request": request.pk},
    )
    return comment


@transaction.atomic
def do_end_consultation(request: ConsultationRequest, *, acting_user) -> ConsultationRequest:
    """The asker ends the request early; the colleague's access ends with it."""
    if request.asker_id != acting_user.pk:
        raise PermissionDenied
    request = _locked(request)
    if request.ended_at is not None:
        return request
    request.ended_at = timezone.now()
    request.ended_by = acting_user
    request.save(update_fields=["ended_at", "ended_by"])
    audit.record_for_episode(
        "consultation.ended",
        request.episode,
        actor=acting_user,
        obj=request,
        purpose=CONSULTATION,
        changes={"expired_before": request.expires_at <= request.ended_at},
    )
    return request


def _mark_seen(request: ConsultationRequest, user, at) -> None:
    field = "asker_seen_at" if request.asker_id == user.pk else "answer_seen_at"
    ConsultationRequest.objects.filter(pk=request.pk).update(**{field: at})


def mark_seen(request: ConsultationRequest, user) -> None:
    """Remember that this side has read the thread (a read marker; the view audits)."""
    _mark_seen(request, user, timezone.now())


# --- Supervision -------------------------------------------------------------------
