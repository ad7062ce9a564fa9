"""SMS backends, chosen by the setting TESSERA_SMS_BACKEND (a dotted path to a class).

A backend has one method, ``send(*, recipient_id, phone, text, kind)``, which raises on
failure. Two ship here: ``ConsoleBackend`` (the default; logs the recipient's id and the
kind of message, never the number or the text) and ``LocmemBackend`` (keeps what was
sent in ``outbox``, for tests). A real gateway is a class with the same method.
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


outbox: list[SentSms] = []


class ConsoleBackend:
    def send(self, *, recipient_id: int, phone: str, text: str, kind: str) -> None:
        logger.info("sms.sent recipient=%s kind=%s", recipient_id, kind)


class LocmemBackend:
    def send(self, *, recipient_id: int, phone: str, text: str, kind: str) -> None:
        outbox.append(SentSms(recipient_id, phone, text, kind))


def backend():
    return import_string(settings.TESSERA_SMS_BACKEND)()
