"""A consultation's notice written before it was ended is not sent after it (decision
0105, part 2): its link would open a request nobody can answer any more."""

from __future__ import annotations

from django.core import mail

from tessera.consultation import actions
from tessera.notifications import delivery
from tessera.notifications.models import Notification
from tests.consultation.consultation_helpers import ask, comment


def _row(user, kind):
    return Notification.objects.get(recipient=user, kind=kind)


def test_notices_of_a_consultation_ended_meanwhile_are_withdrawn(world):
    request = ask(world)
    comment(request, world["colleague"])
    actions.do_end_consultation(request, acting_user=world["therapist"])
    for row in (
        _row(world["colleague"], "consultation_requested"),
        _row(world["therapist"], "consultation_answered"),
    ):
        assert delivery.deliver(row.pk) == "withdrawn"
        row.refresh_from_db()
        assert row.get_state_display() == "no longer needed"
    assert mail.outbox == []


def test_notices_of_an_open_consultation_are_sent(world):
    request = ask(world)
    comment(request, world["colleague"])
    assert delivery.deliver(_row(world["colleague"], "consultation_requested").pk) == "sent"
    assert delivery.deliver(_row(world["therapist"], "consultation_answered").pk) == "sent"
