"""Writes of messaging: sending and reading messages, idempotent and audited."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tessera.core import access, audit, risk_words, submissions
from tessera.core.models import Episode
from tessera.notifications import texts
from tessera.notifications.delivery import notify
from tessera.treatment.actions import do_mark_module_answered, do_note_therapist_first_look
from tessera.treatment.models import WorksheetAnswer

from ..models import Message, MessageDraft, MessageRead

MAX_BODY = 10_000
MAX_QUOTE = 5_000


# An ended course's conversation once the patient has a later one (decision 0148).
ELSEWHERE = gettext_lazy(
    "This course has ended and the patient now has a later one: their messages page shows "
    "only that course, so a message written here would not reach them. Nothing was sent."
)


def _is_patient_of(user, episode: Episode) -> bool:
    return episode.patient.user_id is not None and episode.patient.user_id == user.pk


def _refuse_writer(acting_user, episode: Episode) -> None:
    """Why someone who may not write in this conversation may not (raises)."""
    if _is_patient_of(acting_user, episode) and episode.therapist_id is None:
        raise ValidationError(_("Nobody reads messages in this course. Use “I need help” instead."))
    if _is_patient_of(acting_user, episode):
        raise ValidationError(
            _(
                "Your treatment has ended and your messages are now read-only. "
                "Contact your clinic if you need to reach them."
            )
        )
    if access.patient_reads_elsewhere(episode):
        raise ValidationError(ELSEWHERE)
    raise ValidationError(_("You cannot write in this conversation."))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message before sending it.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": _("A message can be at most %(n)s characters long.") % {"n": MAX_BODY}}
        )
    return body


def reply_risk(episode: Episode, quoted_answer: WorksheetAnswer | None = None):
    """Risk first (``tessera.core.risk_words``): an open risk alert, or risk words in the
    patient's text being answered (the quoted worksheet answer and the patient's messages
    not yet answered). Two queries."""
    texts = list(
        Message.objects.filter(episode=episode).awaiting_reply().values_list("body", flat=True)
    )
    if quoted_answer is not None:
        texts.append(risk_words.text_of(quoted_answer.values))
    return risk_words.for_reply(episode, "\n".join(texts))


def _check_answer(answer: WorksheetAnswer | None, episode: Episode) -> None:
    if answer is None:
        return
    if answer.entry.episode_id != episode.pk or answer.submitted_at is None:
        raise ValidationError(_("Only a sent worksheet of this patient can be quoted."))


def _repeat(key, episode, acting_user) -> Message | None:
    existing = Message.objects.filter(submission_key=key).first()
    if existing is None:
        return None
    if existing.episode_id != episode.pk or existing.author_id != acting_user.pk:
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return existing


def _sent_again(episode, author, body: str, quoted_answer) -> Message | None:
    """The same message sent again from a fresh page (back, then the same words sent
    again; the key is new): the conversation's last message, by this author, with these
    words and quotation, within ``REPEAT_WINDOW``, marked ``sent_before``. A reply from
    someone in between makes the same words a new message. Serialised per author and
    episode, so two at the same instant make one (decision 0070)."""
    submissions.serialise(f"message:{author.pk}:{episode.pk}")
    last = Message.objects.filter(episode=episode).order_by("-sent_at", "-pk").first()
    if (
        last is not None
        and last.author_id == author.pk
        and last.body == body
        and last.quoted_answer_id == (quoted_answer.pk if quoted_answer else None)
        and last.sent_at >= timezone.now() - submissions.REPEAT_WINDOW
    ):
        last.sent_before = True
        return last
    return None


@transaction.atomic
def do_send_message(
    episode: Episode,
    *,
    acting_user,
    body: str,
    submission_key,
    quoted_answer: WorksheetAnswer | None = None,
    quoted_text: str = "",
    risk_acknowledged: bool = False,
) -> Message:
    """Send a message. A reply from staff to a patient with an open risk alert, or
    answering the patient's words of self-harm or suicide, needs ``risk_acknowledged``:
    the sender has addressed the patient's safety (``reply_risk``; docs/safety.md)."""
    key = uuid.UUID(str(submission_key))
    # Lock the author's draft: a second request with the same key waits here, then
    # finds the message the first one wrote.
    MessageDraft.objects.select_for_update(no_key=True).filter(
        episode=episode, author=acting_user
    ).first()
    existing = _repeat(key, episode, acting_user)
    if existing is not None:
        return existing
    if not access.may_write_message(acting_user, episode):
        _refuse_writer(acting_user, episode)
    from_patient = _is_patient_of(acting_user, episode)
    body = _clean_body(body)
    quoted_text = (quoted_text or "").strip()
    if len(quoted_text) > MAX_QUOTE:  # refused, never cut
        raise ValidationError(
            {
                "quoted_text": _("The quotation can be at most %(n)s characters long.")
                % {"n": MAX_QUOTE}
            }
        )
    if from_patient:
        quoted_answer, quoted_text = None, ""
    _check_answer(quoted_answer, episode)
    again = _sent_again(episode, acting_user, body, quoted_answer)
    if again is not None:
        return again
    risk = None if from_patient else reply_risk(episode, quoted_answer)
    if risk is not None and risk.found and not risk_acknowledged:
        raise ValidationError(
            {
                "risk_acknowledged": _(
                    "This patient may be at risk. Address their safety in your reply, "
                    "then tick the box to say you have."
                )
            }
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                episode=episode,
                author=acting_user,
                from_patient=from_patient,
                body=body,
                quoted_answer=quoted_answer,
                quoted_text=quoted_text if quoted_answer else "",
                sent_at=now,
                submission_key=key,
            )
    except IntegrityError:  # the same key won a race on a database without row locks
        return _repeat(key, episode, acting_user)
    answered, module = 0, None
    if not from_patient:
        answered = (
            Message.objects.filter(episode=episode)
            .awaiting_reply()
            .filter(sent_at__lte=now)
            .update(answered_at=now)
        )
        if quoted_answer is not None:
            WorksheetAnswer.objects.filter(pk=quoted_answer.pk).update(
                feedback_at=now, feedback_by=acting_user
            )
        module = do_mark_module_answered(episode, acting_user=acting_user, at=now)
    MessageDraft.objects.filter(episode=episode, author=acting_user).delete()
    _notify(message)
    # The audit row last but for the first look (whose own row follows it, as before):
    # from here to the commit the clinic's chain head stays locked, and one clinic's
    # other writers wait for it (decision 0066). Same transaction, same row.
    audit.record(
        "message.sent",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=message,
        purpose="self" if from_patient else "care",
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
        changes={
            "episode": episode.pk,
            "from_patient": from_patient,
            "answered": answered,
            "quoted_answer": quoted_answer.pk if quoted_answer else None,
            "module_answered": module.pk if module else None,
            "risk_acknowledged": bool(risk is not None and risk.found),
        },
    )
    do_note_therapist_first_look(episode, acting_user=acting_user)
    return message


def _notify(message: Message) -> None:
    episode = message.episode
    key = f"message:{message.pk}"
    if message.from_patient:
        _tell_staff(message, own_key_for=episode.therapist_id)
    else:
        notify(episode.patient.user, "new_message", key=key, link=reverse("my_messages"))


def _tell_staff(message: Message, *, own_key_for) -> None:
    """Each person told that the patient wrote (``access.patient_message_recipients``).
    ``own_key_for``: who keeps the message's own key (the therapist when it is written);
    everyone else gets theirs, so a notice sent instead of another is never refused as a
    repeat of it."""
    episode = message.episode
    key = f"message:{message.pk}"
    link = reverse("episode_messages", kwargs={"episode_id": episode.pk})
    for user in access.patient_message_recipients(episode):
        own = key if user.pk == own_key_for else f"{key}:{user.pk}"
        notify(
            user,
            "patient_wrote",
            key=own,
            link=link,
            channels={"email"},
            params={"message": message.pk},  # to tell the right people if it waits (0105)
        )


def _still_for_them(row) -> bool:
    """A notice held for quiet hours (or retried) is sent only while its recipient is
    still among those told of the patient's messages: not after the patient was given
    to another therapist, nor after the therapist left (decision 0105)."""
    message = Message.objects.filter(pk=row.params.get("message")).select_related("episode")
    message = message.first()
    if message is None:
        return "message" not in row.params
    return row.recipient_id in {u.pk for u in access.patient_message_recipients(message.episode)}


def _tell_who_is_told_now(row) -> None:
    message = (
        Message.objects.filter(pk=row.params.get("message"))
        .select_related("episode__therapist")
        .first()
    )
    if message is not None:
        _tell_staff(message, own_key_for=None)


texts.register_still_wanted("patient_wrote", on_withdrawn=_tell_who_is_told_now)(_still_for_them)


@transaction.atomic
def do_send_automated_message(episode: Episode, *, body: str, submission_key) -> Message:
    """A message the system writes (reminders, welcome texts): no author, marked as
    automated, answers nothing. Idempotent by key like the others."""
    key = uuid.UUID(str(submission_key))
    existing = Message.objects.filter(submission_key=key).first()
    if existing is not None:
        return existing
    message = Message.objects.create(
        episode=episode, is_automated=True, body=_clean_body(body), submission_key=key
    )
    _notify(message)  # before the audit row, which holds the chain's head to the commit
    audit.record(
        "message.sent",
        clinic=episode.clinic,
        patient=episode.patient,
        obj=message,
        purpose="care",
        changes={"episode": episode.pk, "automated": True},
    )
    return message


def do_mark_read(messages, *, reader) -> int:
    """Read receipts: the first time ``reader`` sees each message written by someone
    else. One insert, whatever the number; returns how many were new."""
    rows = [
        MessageRead(message=m, user=reader)
        for m in messages
        if m.author_id != reader.pk and not _read_by(m, reader)
    ]
    if not rows:
        return 0
    MessageRead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _read_by(message: Message, reader) -> bool:
    cache = getattr(message, "_prefetched_objects_cache", {})
    if "reads" in cache:
        return any(r.user_id == reader.pk for r in cache["reads"])
    return False
