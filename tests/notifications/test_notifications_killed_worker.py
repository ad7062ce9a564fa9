"""A notification worker killed mid-send (issue 13, reliability under faults).

The row is marked "sending", with its Message-ID, and committed before the mail server
is called. A worker killed after the server accepted the message but before the row was
saved leaves it "sending": another worker does not touch it while it may still be in
flight, and after SENDING_TIMEOUT it is sent again with the same Message-ID. That second
copy is the honest limit (at-least-once; delivery.deliver says why); these tests show
exactly when it happens and that nothing else is sent twice or lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tessera.notifications import delivery
from tessera.notifications.models import SENDING_TIMEOUT, Notification


class Killed(BaseException):
    """The worker's process ending (SIGKILL, the machine going down): no except
    Exception in the worker catches it."""


def _rows(world, n):
    user = world.patient.user
    return [
        Notification.objects.create(
            recipient=user, channel="email", kind="new_message", key=f"m:{i}", link="/me/"
        )
        for i in range(n)
    ]


def _killed_after_acceptance(monkeypatch):
    """The mail server accepts (the message is in the outbox), then the worker dies
    before the row is saved."""

    def die(row):
        raise Killed

    monkeypatch.setattr(delivery, "_record_sent", die)


def test_killed_after_the_server_accepted_leaves_the_row_sending(world, monkeypatch):
    (row,) = _rows(world, 1)
    _killed_after_acceptance(monkeypatch)
    with pytest.raises(Killed):
        delivery.deliver(row.pk)
    row.refresh_from_db()
    assert row.state == "sending" and row.attempts == 1
    assert row.message_id.startswith("<") and row.claimed_at is not None
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == row.message_id


def test_a_row_being_sent_is_left_alone_then_resent_once_with_the_same_message_id(
    world, monkeypatch
):
    (row,) = _rows(world, 1)
    with monkeypatch.context() as patch:
        _killed_after_acceptance(patch)
        with pytest.raises(Killed):
            delivery.deliver(row.pk)
    row.refresh_from_db()
    # a restarted worker (or a duplicated task) within the time-out: nothing sent
    soon = row.claimed_at + dt.timedelta(minutes=1)
    assert delivery.deliver(row.pk, now=soon) == "sending"
    assert delivery.deliver_due(now=soon) == 0
    assert len(mail.outbox) == 1
    # after it: the one case of a second copy, recognisably the same message
    later = row.claimed_at + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver_due(now=later) == 1
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert delivery.deliver_due(now=later + SENDING_TIMEOUT * 2) == 0
    assert len(mail.outbox) == 2


def test_killed_mid_batch_nothing_sent_is_sent_again_and_nothing_is_lost(world, monkeypatch):
    rows = _rows(world, 4)
    calls = []
    record_sent = delivery._record_sent

    def die_on_the_second(row):
        calls.append(row.pk)
        if len(calls) == 2:
            raise Killed
        record_sent(row)

    now = timezone.now()
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record_sent", die_on_the_second)
        with pytest.raises(Killed):
            delivery.deliver_due(now=now)
    states = [Notification.objects.get(pk=r.pk).state for r in rows]
    assert states == ["sent", "sending", "intended", "intended"]
    assert len(mail.outbox) == 2
    # the restarted worker at once: the two never tried are sent, the finished one and the
    # one in doubt are not
    assert delivery.deliver_due(now=now) == 2
    assert len(mail.outbox) == 4
    later = timezone.now() + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver_due(now=later) == 1
    assert {Notification.objects.get(pk=r.pk).state for r in rows} == {"sent"}
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 5 and len(set(ids)) == 4  # one message twice, under one Message-ID


def test_killed_before_the_server_answered_is_sent_after_the_time_out(world, monkeypatch):
    (row,) = _rows(world, 1)

    def die(row):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_send", die)
        with pytest.raises(Killed):
            delivery.deliver(row.pk)
    assert mail.outbox == []
    later = timezone.now() + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver(row.pk, now=later) == "sent"
    assert len(mail.outbox) == 1


def test_a_refused_send_goes_back_to_intended_for_its_retry(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications_delivery.BrokenMail"
    (row,) = _rows(world, 1)
    assert delivery.deliver(row.pk) == "intended"
    row.refresh_from_db()
    assert row.send_after is not None and row.attempts == 1 and row.error_code
