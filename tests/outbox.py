"""The notifications outbox in tests: nothing is sent inside a request, and a test's
transaction never commits, so the worker is run by hand (as the periodic sweep runs it,
``notifications.delivery.deliver_due``)."""

from __future__ import annotations

from django.core import mail

from tessera.notifications import delivery
from tessera.notifications.models import Notification


def drain(now=None) -> list:
    """Send every due outbox row once; returns the e-mails sent by this run."""
    before = len(mail.outbox)
    delivery.deliver_due(now=now)
    return mail.outbox[before:]


def rows(kind: str):
    return Notification.objects.filter(kind=kind)
