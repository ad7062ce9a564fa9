"""The task worker killed mid-batch (issue 13, "reliability under faults"): what was
sent before the kill is not sent again, and what was not sent is sent by the next run,
once. The kill is simulated in-process by a BaseException from the mail backend on the
third message (what SIGTERM/KeyboardInterrupt does to a worker: it unwinds without
running ``except Exception``). The row being sent was marked "sending" (committed) before
the call, so it is left alone until the sending time-out and then sent (the case of a kill
after the server accepted is in tests/notifications/test_notifications_killed_worker.py)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from tessera.notifications import delivery
from tessera.notifications.models import SENDING_TIMEOUT, Notification


class WorkerKilled(BaseException):
    pass


class DiesOnTheThird(EmailBackend):
    sent = 0

    def send_messages(self, messages):
        DiesOnTheThird.sent += 1
        if DiesOnTheThird.sent == 3:
            raise WorkerKilled
        return super().send_messages(messages)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(world, settings):
    user = world.patient.user
    rows = [
        delivery.notify(user, "new_message", key=f"batch:{n}", link="/me/messages/")[0]
        for n in range(5)
    ]
    settings.EMAIL_BACKEND = "tests.security.test_worker_killed.DiesOnTheThird"
    DiesOnTheThird.sent = 0
    try:
        delivery.deliver_due()
    except BaseException as exc:  # noqa: BLE001 - the backend is loaded by its dotted path
        assert type(exc).__name__ == "WorkerKilled"
    else:  # pragma: no cover - the backend must have died
        raise AssertionError("the worker was not killed")
    states = dict(Notification.objects.values_list("pk", "state"))
    # the third was claimed ("sending") before the mail server was called
    assert [states[r.pk] for r in rows] == ["sent", "sent", "sending", "intended", "intended"]
    assert len(mail.outbox) == 2
    # the next run (a restarted worker, or the periodic sweep) sends the rest, once; the
    # one in doubt waits for the sending time-out, then goes (it never reached the server)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_due() == 2
    assert delivery.deliver_due() == 0
    later = timezone.now() + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver_due(now=later) == 1
    assert delivery.deliver_due(now=later) == 0
    assert len(mail.outbox) == 5
    assert sorted(Notification.objects.values_list("attempts", flat=True)) == [1, 1, 1, 1, 2]
