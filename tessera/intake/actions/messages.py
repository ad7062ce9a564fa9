"""Applicants writing to the clinic before acceptance, and the intake team answering
(issue 14). Each message is audited; the notifications say only that someone wrote."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit

from .. import notify
from ..models import Application, ApplicationMessage

MAX_BODY = 4000


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("Please keep it to %(n)d characters.") % {"n": MAX_BODY}})
    return body


def _key(submission_key) -> uuid.UUID:
    try:
        return uuid.UUID(str(submission_key))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("This form has already been used. Please start again.")) from exc


def _message(application, author, body, submission_key, from_clinic: bool):
    """The message this submission key wrote (sent twice, it is one message), or a new
    one; and whether it is new."""
    key = _key(submission_key)
    existing = ApplicationMessage.objects.filter(submission_key=key).first()
    if existing is not None:
        if existing.application_id != application.pk or existing.author_id != author.pk:
            raise ValidationError(_("This form has already been used. Please start again."))
        return existing, False
    message = ApplicationMessage.objects.create(
        application=application,
        author=author,
        from_clinic=from_clinic,
        body=_body(body),
        submission_key=key,
        sent_at=timezone.now(),
    )
    return message, True


@transaction.atomic
def do_write_to_clinic(
    application: Application, *, acting_user, body: str, submission_key
) -> ApplicationMessage:
    """The applicant writes to the intake team. Sent twice with the same key (a double
    click, a resend) it is one message. The team is told that an applicant wrote."""
    if not access.may_write_to_clinic(acting_user, application):
        raise PermissionDenied
    message, created = _message(application, acting_user, body, submission_key, False)
    if not created:
        return message
    audit.record_for_episode(
        "application.message_sent",
        application,
        actor=acting_user,
        obj=message,
        purpose="self",
        actor_role="applicant",
    )
    transaction.on_commit(lambda: notify.tell_intake_team_applicant_wrote(application, message))
    return message


@transaction.atomic
def do_answer_applicant(
    application: Application, *, acting_user, body: str, submission_key
) -> ApplicationMessage:
    """Someone of the intake team answers; the applicant is told there is news."""
    if not access.may_triage(acting_user, application):
        raise PermissionDenied
    message, created = _message(application, acting_user, body, submission_key, True)
    if not created:
        return message
    application.messages.filter(from_clinic=False, read_at__isnull=True).update(
        read_at=message.sent_at
    )
    audit.record_for_episode(
        "application.message_answered", application, actor=acting_user, obj=message
    )
    transaction.on_commit(
        lambda: notify.tell_applicant(application, "application_answered", f"message:{message.pk}")
    )
    return message


def do_mark_read(application: Application, *, acting_user) -> int:
    """The other side's messages are read once this side opens the conversation. Not
    audited by itself: opening the page is (application.viewed, or the applicant's own)."""
    now = timezone.now()
    if acting_user.pk == application.applicant_id:
        return application.messages.unread_by_applicant().update(read_at=now)
    if access.may_triage(acting_user, application):
        return application.messages.unread_by_clinic().update(read_at=now)
    return 0
