"""A therapist's notice that a patient asks to change a session, written before the
request was dealt with, is not sent after it (decision 0105, part 2): held for the
therapist's quiet hours, it would send them to a request already closed."""

from __future__ import annotations

from django.core import mail

from tessera.appointments import actions
from tessera.appointments.signals import session_change_asked
from tessera.notifications import delivery
from tessera.notifications.models import Notification
from tests.appointments.test_appointments import book


def _asked(world):
    """The request, and the row its signal writes (sent after the commit, which a test
    transaction never reaches: the row waits as it would for quiet hours)."""
    session = book(world, hours=48)
    request = actions.do_ask_to_change_session(
        session, acting_user=world.patient.user, kind="cancel", note=""
    )
    session_change_asked.send(sender=type(request), request=request)
    row = Notification.objects.get(recipient=world["therapist"], kind="session_change_asked")
    return session, row


def test_a_notice_of_a_request_dealt_with_meanwhile_is_withdrawn(world):
    session, row = _asked(world)
    actions.do_cancel_appointment(session, acting_user=world["therapist"], reason="As asked")
    assert delivery.deliver(row.pk) == "withdrawn"
    row.refresh_from_db()
    assert row.get_state_display() == "no longer needed"
    assert mail.outbox == []


def test_a_notice_of_an_open_request_is_sent(world):
    _session, row = _asked(world)
    assert delivery.deliver(row.pk) == "sent"
