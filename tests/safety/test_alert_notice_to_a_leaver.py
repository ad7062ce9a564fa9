"""A risk alert's notice that comes due after its recipient left (a refusing mail server
is tried again for up to an hour and a half) is not sent to the leaver: the people who
can act on the alert now are told instead (decision 0105)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from tessera.core.actions import do_offboard_staff
from tessera.notifications.delivery import deliver_due
from tessera.notifications.models import Notification
from tessera.safety import actions


class RefusingMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def _raise(world, capture):
    with capture(execute=True):
        return actions.do_raise_concern(
            world.episode, acting_user=world["supervisor"], concern="Worried", severity="high"
        )


def test_a_notice_to_a_therapist_who_left_goes_to_who_can_act(
    world, settings, django_capture_on_commit_callbacks
):
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.safety.test_alert_notice_to_a_leaver.RefusingMail"
    alert = _raise(world, django_capture_on_commit_callbacks)
    therapist = world["therapist"]
    [waiting] = Notification.objects.filter(kind="risk_alert", recipient=therapist)
    assert waiting.state == "intended" and waiting.send_after  # to be tried again
    settings.EMAIL_BACKEND = locmem
    do_offboard_staff(therapist, acting_user=world["manager"], clinics=[world.clinic])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due(timezone.now() + dt.timedelta(minutes=2))
    waiting.refresh_from_db()
    assert waiting.state == "withdrawn"
    told = sorted(to for m in mail.outbox for to in m.to)
    assert therapist.email not in told
    assert world["manager"].email in told
    for sent in mail.outbox:
        assert f"/alerts/{alert.pk}/" in sent.body and "Worried" not in sent.body


def test_a_notice_of_an_alert_resolved_meanwhile_is_not_sent(
    world, settings, django_capture_on_commit_callbacks
):
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.safety.test_alert_notice_to_a_leaver.RefusingMail"
    alert = _raise(world, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = locmem
    actions.do_resolve(alert, acting_user=world["supervisor"], action="phoned", note="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due(timezone.now() + dt.timedelta(minutes=2))
    assert mail.outbox == []
    assert set(Notification.objects.values_list("state", flat=True)) == {"withdrawn"}
