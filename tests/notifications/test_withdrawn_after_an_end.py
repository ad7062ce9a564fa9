"""A notification written before an end is not sent after it (decision 0105): a row can
wait hours between being written and being due (quiet hours, retries), and ``notify``
looked at its recipient only when it was written."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from tessera.core.actions import do_offboard_staff
from tessera.notifications import delivery, texts
from tessera.notifications.models import Notification, Preference


def test_a_notice_held_for_a_member_of_staff_who_then_left_is_withdrawn(world):
    therapist = world["therapist"]
    Preference.objects.create(user=therapist, quiet_from=dt.time(0), quiet_until=dt.time(23, 59))
    [row] = delivery.notify(therapist, "patient_wrote", key="wrote:1", link="/inbox/")
    do_offboard_staff(therapist, acting_user=world["manager"], clinics=[world.clinic])
    assert delivery.deliver(row.pk) == "withdrawn"
    row.refresh_from_db()
    assert row.state == Notification.State.WITHDRAWN
    assert row.get_state_display() == "no longer needed"
    assert mail.outbox == []
    # never picked up again by the periodic delivery
    assert not Notification.objects.due().filter(pk=row.pk).exists()


def test_an_urgent_alert_to_someone_whose_login_closed_is_withdrawn_too(world):
    therapist = world["therapist"]
    [row, *_] = delivery.notify(therapist, "risk_alert", key="alert:1", link="/safety/1/")
    do_offboard_staff(therapist, acting_user=world["manager"], clinics=[world.clinic])
    assert delivery.deliver(row.pk) == "withdrawn"
    assert mail.outbox == []


def test_a_kind_whose_owner_says_it_ended_is_withdrawn_and_others_are_sent(world, monkeypatch):
    monkeypatch.setitem(texts.STILL_WANTED, "new_message", lambda row: row.params.get("live"))
    patient = world.patient.user
    [gone] = delivery.notify(patient, "new_message", key="a", link="/me/", params={"live": False})
    [live] = delivery.notify(patient, "new_message", key="b", link="/me/", params={"live": True})
    assert delivery.deliver(gone.pk) == "withdrawn"
    assert delivery.deliver(live.pk) == "sent"
    assert len(mail.outbox) == 1


def test_an_invitation_sent_late_is_withdrawn_once_the_application_went_elsewhere(world):
    """A refusing mail server keeps an invitation for up to an hour and a half; if the
    clinic referred the person elsewhere meanwhile, its link would say it no longer works."""
    from tessera.intake.actions import apply as apply_actions
    from tessera.intake.actions import triage
    from tests.intake.intake_helpers import REFERRAL

    apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={"first_name": "Rut", "last_name": "R", "email": "rut@person.test"},
    )
    row = Notification.objects.get(kind="application_invited")
    triage.do_redirect(row_application(row), acting_user=world["intake"], where="The local team")
    assert delivery.deliver(row.pk) == "withdrawn"
    assert "rut@person.test" not in [to for m in mail.outbox for to in m.to]


def test_an_invitation_to_an_application_still_open_is_sent(world):
    from tessera.intake.actions import apply as apply_actions
    from tests.intake.intake_helpers import REFERRAL

    apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={"first_name": "Rut", "last_name": "R", "email": "rut@person.test"},
    )
    row = Notification.objects.get(kind="application_invited")
    assert delivery.deliver(row.pk) == "sent"


def row_application(row):
    from tessera.intake.models import Application

    return Application.objects.get(pk=row.params["application"])


def test_an_invitation_to_a_role_taken_back_before_it_went_is_withdrawn(world):
    """Part 2: "no longer needed" in the history, not a failed mail shown to the managers."""
    from tessera.core.actions.staff import do_invite_staff, do_remove_role

    invited = do_invite_staff(
        world.clinic, acting_user=world["manager"], email="new.staff@alpha.test", role="therapist"
    )
    row = Notification.objects.get(kind="staff_invited", recipient=invited.user)
    do_remove_role(invited.grant, acting_user=world["manager"])
    assert delivery.deliver(row.pk) == "withdrawn"
    row.refresh_from_db()
    assert row.get_state_display() == "no longer needed"
    assert mail.outbox == []


def test_an_invitation_to_a_role_still_held_is_sent(world):
    from tessera.core.actions.staff import do_invite_staff

    invited = do_invite_staff(
        world.clinic, acting_user=world["manager"], email="new.staff@alpha.test", role="therapist"
    )
    row = Notification.objects.get(kind="staff_invited", recipient=invited.user)
    assert delivery.deliver(row.pk) == "sent"
