"""SMS backends, chosen by the setting TESSERA_SMS_BACKEND (a dotted path to a class).

A backend has one method, ``send(*, recipient_id, phone, text, kind, reference)``, which
raises on failure. Two ship here: ``ConsoleBackend`` (the default; logs the recipient's id,
the kind of message and the reference, never the number or the text) and
``LocmemBackend`` (keeps what was sent in ``outbox``, for tests). A real gateway is a
class with the same method.

``reference`` is the message's idempotency reference: the notification's Message-ID
without its angle brackets (delivery.sms_reference), fixed and committed before the
first attempt and the same on every resend. A worker killed after the gateway accepted a
message resends it after the sending time-out (delivery.deliver); a gateway that
deduplicates by a client reference (a "client reference", "idempotency key" or
"user reference" field, under whatever name it has) should be given this value there, so
the copy is dropped. A gateway without one sends the copy (docs/security.md, "Faults").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tessera.notifications.sms")


@dataclass(frozen=True)
class SentSms:
    recipient_id: int
    phone: str
    text: str
    kind: str
    reference: str = ""


outbox: list[SentSms] = []


class ConsoleBackend:
    def send(
        self, *, recipient_id: int, phone: str, text: str, kind: str, reference: str = ""
    ) -> None:
        logger.info("sms.sent recipient=%s kind=%s reference=%s", recipient_id, kind, reference)


class LocmemBackend:
    def send(
        self, *, recipient_id: int, phone: str, text: str, kind: str, reference: str = ""
    ) -> None:
        outbox.append(SentSms(recipient_id, phone, text, kind, reference))


def backend():
    return import_string(settings.TESSERA_SMS_BACKEND)()
