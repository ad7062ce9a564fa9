"""Mail about a person's account, handed to the notifications outbox.

The core layer cannot import the notifications app (it sits above), so it asks for a
notice by signal, as ``languages.patient_language_changed`` does: the notifications app
writes one outbox row (tessera/notifications/receivers.py), which is logged, sent once
with a fixed Message-ID, retried with backoff and shown to the clinic's managers if it
fails for good (docs/decisions/0029). Nothing is sent inside the request.

``account_notice_wanted`` is sent with ``user``, ``kind``, ``key`` (once per key),
``link`` (a page without a token) and ``params`` (what the text needs: ids, codes, a
number; nothing clinical, never a token).
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger("tessera.core.notices")

account_notice_wanted = Signal()
# allauth's own mail (core.auth.AccountAdapter.send_mail): ``user`` (or None for an
# address with no account), ``address``, ``key``, ``params`` (the template and what is
# needed to write it again when it is sent; never a token).
account_mail_wanted = Signal()
# A notification to a staff member through their own channels (as the apps above send
# with notifications.delivery.notify): sent with ``user``, ``kind``, ``key``, ``link``.
notice_wanted = Signal()


def tell_account_holder(user, kind: str, *, key: str, link: str, params: dict) -> int:
    """Queue one e-mail to ``user`` about their account; returns the rows written (0 when
    the key was already known). Written in the caller's transaction (at once in
    autocommit); sent after it commits."""
    answers = account_notice_wanted.send(
        sender=tell_account_holder, user=user, kind=kind, key=key, link=link, params=params
    )
    if not answers:  # the notifications app is part of every deployment; say so if not
        logger.error("notices.no_outbox kind=%s user=%s", kind, user.pk)
        return 0
    return sum(written or 0 for _receiver, written in answers)


def queue_account_mail(
    user, address: str, *, key: str, params: dict, clinic=None, kind: str = "account_mail"
) -> int:
    """Queue one of allauth's e-mails to ``address``; returns the rows written (0 when no
    outbox listens: the caller then sends it itself, as allauth would). ``clinic``: the
    clinic the person came from, whose managers see the row if it fails."""
    answers = account_mail_wanted.send(
        sender=queue_account_mail,
        user=user,
        address=address,
        key=key,
        params=params,
        clinic=clinic,
        kind=kind,
    )
    if not answers:
        logger.error("notices.no_outbox kind=account_mail")
        return 0
    return sum(written or 0 for _receiver, written in answers)


def tell_person(user, kind: str, *, key: str, link: str, params: dict | None = None) -> int:
    """Queue one notification of ``kind`` to ``user`` through their own channels (quiet
    hours, preferences), at most once per ``key``; returns the rows written. ``params``:
    ids only, asked again when it comes due (decision 0105)."""
    answers = notice_wanted.send(
        sender=tell_person, user=user, kind=kind, key=key, link=link, params=params or {}
    )
    if not answers:
        logger.error("notices.no_outbox kind=%s user=%s", kind, user.pk)
        return 0
    return sum(written or 0 for _receiver, written in answers)
