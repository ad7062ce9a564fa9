"""Writing notifications and delivering them, at most once each.

``notify(user, kind, key=..., link=...)`` writes one row per channel the person has
chosen (nothing new if the key was seen before) and, once the surrounding transaction
commits, enqueues ``deliver_notification`` through the Django Tasks API. Delivery takes
the row under a lock and marks it "sending" (committed) before it calls the server, so a
retried or duplicated task sends nothing twice; a worker killed mid-send is the one case
of a second copy (``deliver`` explains). During the person's quiet hours the row is held
(``send_after``) and ``deliver_due()``, called by a periodic worker, sends it later.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from tessera.core.models import Patient

from . import quiet, sms, texts
from .models import SENDING_TIMEOUT, URGENT_KINDS, Channel, Notification, Preference

logger = logging.getLogger("tessera.notifications")

# Risk alerts to staff (tessera.safety.notify) go by every channel the person has an
# address for, whatever their preferences, and are never held for quiet hours: a person
# on call must be reached (issue 12; docs/safety.md). The text still says nothing
# clinical (texts.py). An urgent application (a risk answer in screening, or marked
# urgent by the referrer or staff; tessera.intake.notify) is the same path for someone
# not yet a patient: it goes the same way, so it is not held overnight for quiet hours.
# (URGENT_KINDS is defined in models.py, where the failed page's query needs it.)

# Mail about the account itself (an invitation to work in Tessera, a new role, second-factor
# codes refused and locked) goes to the account's e-mail address whatever the person chose
# for notifications, at any hour: it is how they get in, or learn that someone is trying
# to. E-mail only (it replaced an e-mail sent inside the request; docs/decisions/0029).
# allauth's own mail ("account_mail": a password reset asked for on the page) is the same.
# So are its codes and security notices ("account_security").
ACCOUNT_KINDS = frozenset(
    {"staff_invited", "staff_role_added", "mfa_locked", "account_mail", "account_security"}
)


def preference_of(user) -> Preference:
    """The saved preference, or the defaults (e-mail on, SMS off) unsaved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def phone_of(user) -> str:
    """The mobile number in the patient's details, read fresh (one query); for staff,
    the mobile number for urgent alerts on their login."""
    phone = Patient.objects.filter(user=user).values_list("phone", flat=True).first()
    return (phone or getattr(user, "mobile_phone", "") or "").strip()


def channels_for(user, preference: Preference, *, only: set[str] | None = None) -> list[str]:
    chosen = []
    if preference.email and user.email:
        chosen.append(Channel.EMAIL)
    if preference.sms and phone_of(user):
        chosen.append(Channel.SMS)
    return [c for c in chosen if only is None or c in only]


def notify(
    user,
    kind: str,
    *,
    key: str,
    link: str,
    channels: set[str] | None = None,
    params: dict | None = None,
    clinic=None,
):
    """Record that ``user`` should be told about ``kind`` (at ``link``); deliver after
    commit. Returns the rows written now (empty when the key was already known).
    ``params``: what a composed kind needs for its text (texts.COMPOSERS), never anything
    clinical. ``clinic``: whose managers see the row if it fails, for someone who holds
    no role and no episode there (an applicant)."""
    if user is None or not user.is_active:
        return []
    if kind in URGENT_KINDS:
        preference = Preference(user=user, email=True, sms=True)
    elif kind in ACCOUNT_KINDS:
        preference = Preference(user=user, email=True, sms=False)
    else:
        preference = preference_of(user)
    rows = [
        Notification(
            recipient=user,
            clinic=clinic,
            channel=channel,
            kind=kind,
            key=key,
            link=link,
            params=params or {},
        )
        for channel in channels_for(user, preference, only=channels)
    ]
    return _write(rows)


def notify_address(
    address: str, kind: str, *, key: str, link: str, clinic, params: dict | None = None
):
    """The same for an e-mail address with no account behind it (a person a referrer
    named): one e-mail row, shown to ``clinic``'s managers if it fails. Put the language
    of the text in ``params["language"]``."""
    if not address:
        return []
    row = Notification(
        address=address,
        clinic=clinic,
        channel=Channel.EMAIL,
        kind=kind,
        key=key,
        link=link,
        params=params or {},
    )
    return _write([row])


def notify_account_mail(
    user, address: str, *, key: str, link: str, params: dict, clinic=None, kind="account_mail"
):
    """One of allauth's e-mails (core.auth.AccountAdapter.send_mail) to ``address``: to
    the account's holder when there is one (whose clinics' managers then see the row if it
    fails), else to the bare address; ``clinic``, when the person came from its public
    page, sees it too. E-mail only, whatever the person's choices."""
    if not address:
        return []
    row = Notification(
        recipient=user if user is not None and user.is_active else None,
        clinic=clinic,
        address=address,
        channel=Channel.EMAIL,
        kind=kind,
        key=key,
        link=link,
        params=params,
    )
    return _write([row])


def _write(rows: list[Notification]) -> list[Notification]:
    """Save each row unless its key is known; deliver each after the surrounding commit
    (at once in autocommit)."""
    written = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # already recorded under this key: never twice
        written.append(row)
        transaction.on_commit(lambda pk=row.pk: _enqueue(pk), robust=True)
    return written


def _enqueue(pk: int) -> None:
    deliver_notification.enqueue(pk)


@task()
def deliver_notification(notification_id: int) -> str:
    return deliver(notification_id)


def deliver(notification_id: int, now=None) -> str:
    """Send one notification if it is still intended, still wanted (``still_wanted``:
    otherwise it is withdrawn) and not held; returns its state.

    Three steps, so that a worker killed mid-send leaves a trace: (1) under the row's
    lock, the row is marked "sending" with its Message-ID and committed; (2) the mail or
    SMS server is called, outside any transaction; (3) the answer is recorded. A row found
    "sending" by another worker is left alone (it is being sent right now); one left
    "sending" longer than SENDING_TIMEOUT was claimed by a worker that died, and the server
    may or may not have accepted it: it is sent again, with the same Message-ID.

    That is at-least-once, and it cannot honestly be better: SMTP has no way to ask
    whether a message was accepted, and the server's "250 OK" and our commit cannot be one
    step. Giving up instead (at-most-once) would lose a risk alert to the person on call
    whenever the worker died before the server answered. The window is now only the
    moment between the server's answer and one UPDATE, and a copy carries the first
    one's Message-ID, so mail systems that drop a repeated Message-ID (and readers) can
    tell it is the same message. The log says "notification.resend_unsure"."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(
                no_key=True, of=("self",)
            )  # recipient may be null
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if row is None:
            return "missing"
        unsure = row.state == Notification.State.SENDING
        if unsure and row.claimed_at and row.claimed_at > now - SENDING_TIMEOUT:
            return row.state  # another worker is sending it now
        if row.state not in (Notification.State.INTENDED, Notification.State.SENDING):
            return row.state
        if not still_wanted(row):
            return _withdraw(row)
        if not unsure:
            if row.send_after and row.send_after > now:
                return row.state
            held = None
            if row.recipient_id and row.kind not in URGENT_KINDS | ACCOUNT_KINDS:
                held = quiet.held_until(preference_of(row.recipient), now)
            if held is not None:
                row.send_after = held
                row.save(update_fields=["send_after"])
                logger.info("notification.held id=%s", row.pk)
                return row.state
        else:
            logger.warning("notification.resend_unsure id=%s", row.pk)
        row.attempts += 1
        row.state = Notification.State.SENDING
        row.claimed_at = timezone.now()
        row.message_id = row.message_id or make_msgid(idstring=f"n{row.pk}", domain=_domain())
        row.save(update_fields=["state", "claimed_at", "message_id", "attempts"])
    try:
        _send(row)
    except Exception as exc:  # any backend failure is recorded, never raised on
        row.error_code = type(exc).__name__[:100]
        row.failed_at = timezone.now()
        retry_at = next_attempt_at(row, exc, now)
        if retry_at is None:
            row.state = Notification.State.FAILED
            logger.warning("notification.failed id=%s error=%s", row.pk, row.error_code)
            if Notification.objects.filter(pk=row.pk).unowned().exists():
                # No clinic's managers or region's administrators see it: the operators'
                # (manage.py failed_notifications; docs/operations.md, "E-mail").
                logger.error("notification.failed_unowned id=%s kind=%s", row.pk, row.kind)
        else:
            row.state = Notification.State.INTENDED
            row.send_after = retry_at
            logger.info("notification.retry id=%s error=%s", row.pk, row.error_code)
        row.save(update_fields=["state", "failed_at", "error_code", "send_after"])
        return row.state
    _record_sent(row)
    logger.info("notification.sent id=%s channel=%s kind=%s", row.pk, row.channel, row.kind)
    return row.state


def still_wanted(row: Notification) -> bool:
    """Whether a row is still to be sent, asked each time it comes due: not when the login
    it was written for has been closed since (an offboarded member of staff), nor when its
    kind's owner says what it was about has ended (``texts.STILL_WANTED``). A row may wait
    hours between being written and being due (quiet hours, retries), and ``notify``
    checked only the moment it was written (decision 0105)."""
    if row.recipient_id and not row.recipient.is_active:
        return False
    check = texts.STILL_WANTED.get(row.kind)
    return check is None or bool(check(row))


def _withdraw(row: Notification) -> str:
    """Not sent: marked withdrawn, and its owner tells whoever must be told instead
    (``texts.ON_WITHDRAWN``), in the transaction that holds the row."""
    row.state = Notification.State.WITHDRAWN
    row.save(update_fields=["state"])
    logger.info("notification.withdrawn id=%s kind=%s", row.pk, row.kind)
    on_withdrawn = texts.ON_WITHDRAWN.get(row.kind)
    if on_withdrawn is not None:
        on_withdrawn(row)
    return row.state


def _record_sent(row: Notification) -> None:
    """Step 3: the server accepted it. (A worker killed just before this leaves the row
    "sending"; see deliver.)"""
    row.state = Notification.State.SENT
    row.sent_at = timezone.now()
    with transaction.atomic():
        row.save(update_fields=["state", "sent_at"])
        on_sent = texts.ON_SENT.get(row.kind)
        if on_sent is not None:
            on_sent(row)


def _domain() -> str:
    """The domain of Message-IDs: the sender address's (no DNS lookup, as make_msgid's
    default would make)."""
    sender = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip(" >")
    return sender or "tessera.invalid"


# A refused or unreachable mail or SMS server is usually back within the hour: try again
# after 1, 5, 15 and 60 minutes, then give up and show the failure to the clinic's
# managers (notifications/failed/). A notification that cannot be sent at all (no phone
# number) fails at once.
RETRY_AFTER_MINUTES = (1, 5, 15, 60)


class Undeliverable(ValueError):
    """Sending again cannot help (no phone number, unknown channel)."""


def next_attempt_at(row: Notification, error: Exception, now):
    """When to try again after this failure, or None to give up."""
    if isinstance(error, Undeliverable) or row.attempts > len(RETRY_AFTER_MINUTES):
        return None
    return now + dt.timedelta(minutes=RETRY_AFTER_MINUTES[row.attempts - 1])


def _send(row: Notification) -> None:
    user = row.recipient
    language = row.params.get("language") or texts.language_of(user)
    if row.channel == Channel.EMAIL:
        if not row.to_address:
            raise Undeliverable("no e-mail address")
        composer = texts.COMPOSERS.get(row.kind)
        if composer is not None:
            subject, body = composer(row, language)  # its own, complete subject line
        else:
            subject, body = texts.email(row.kind, row.link, language)
            subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"
        message = EmailMessage(subject, body, to=[row.to_address])
        message.extra_headers["Message-ID"] = row.message_id
        message.send(fail_silently=False)
    elif row.channel == Channel.SMS:
        phone = phone_of(user) if user is not None else ""
        if not phone:
            raise Undeliverable("no phone number")
        sms.backend().send(
            recipient_id=user.pk,
            phone=phone,
            text=texts.sms(row.kind, row.link, language),
            kind=row.kind,
            reference=sms_reference(row),
        )
    else:
        raise Undeliverable("unknown channel")


def sms_reference(row: Notification) -> str:
    """The SMS's idempotency reference: its Message-ID without the angle brackets, fixed
    (and committed) before the first attempt, the same on every resend. A gateway that
    deduplicates by a client reference drops the copy a killed worker resends (sms.py)."""
    return row.message_id.strip("<>")


def deliver_due(now=None) -> int:
    """Send everything intended whose quiet hours are over. A periodic worker calls
    this (e.g. every five minutes); returns how many were sent."""
    now = now or timezone.now()
    ids = list(Notification.objects.due(now).order_by("id").values_list("pk", flat=True)[:500])
    return sum(1 for pk in ids if deliver(pk, now=now) == Notification.State.SENT)
