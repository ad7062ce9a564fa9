"""A message draft per author and episode, autosaved so nothing typed is lost."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tessera.core import access
from tessera.core.models import Episode
from tessera.treatment.models import WorksheetAnswer

from ..models import Message, MessageDraft
from .messages import MAX_BODY, MAX_QUOTE, _check_answer


def draft_for(episode: Episode, author) -> MessageDraft:
    """The author's draft in this conversation, created empty when there is none, so
    every tab open on the conversation carries the same submission key."""
    draft, _created = MessageDraft.objects.get_or_create(episode=episode, author=author)
    return draft


def _check_draft_lengths(body: str, quoted_text: str) -> None:
    """A draft past the message's limits is refused, never cut: the text stays in the
    author's box with the message, and the last saved draft is kept as it was."""
    problems = {}
    if len(body) > MAX_BODY:
        problems["body"] = _("Draft not saved: a message can be at most %(n)s characters long.") % {
            "n": MAX_BODY
        }
    if len(quoted_text) > MAX_QUOTE:
        problems["quoted_text"] = _(
            "Draft not saved: the quotation can be at most %(n)s characters long."
        ) % {"n": MAX_QUOTE}
    if problems:
        raise ValidationError(problems)


def do_save_draft(
    episode: Episode,
    *,
    acting_user,
    body: str,
    submission_key=None,
    quoted_answer: WorksheetAnswer | None = None,
    quoted_text: str = "",
) -> MessageDraft | None:
    """Autosave: what the author has typed so far (not audited: a scratch space, like
    questionnaire drafts). Returns None, saving nothing, when the key was already sent."""
    if not access.may_write_message(acting_user, episode):
        raise ValidationError(_("You cannot write in this conversation."))
    _check_answer(quoted_answer, episode)
    _check_draft_lengths(body or "", quoted_text or "")
    if submission_key and Message.objects.filter(submission_key=submission_key).exists():
        return None  # a late autosave of what was just sent: nothing left to keep
    with transaction.atomic():
        draft, _created = MessageDraft.objects.select_for_update(no_key=True).get_or_create(
            episode=episode, author=acting_user
        )
        if submission_key:
            draft.submission_key = uuid.UUID(str(submission_key))
        draft.body = body or ""
        draft.quoted_answer = quoted_answer
        draft.quoted_text = quoted_text or ""
        draft.save()
    return draft
