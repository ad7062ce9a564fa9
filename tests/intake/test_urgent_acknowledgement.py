"""An urgent application has an acknowledgement window of one clock hour, day and night
(the urgent risk alert's, ``safety.rules.URGENT_WINDOW_HOURS``; docs/safety.md); the
first of the clinic's intake staff or staff on call to acknowledge it is shown; when the
window passes unacknowledged the sweep tells the clinic managers (and out of hours whoever
is on the rota) once, by e-mail and text message, with nothing clinical. The clock is
moved, never slept."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.automation.sweep import run_automation
from tessera.core.actions import do_grant_role
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.intake.actions import do_acknowledge_urgent, escalate_overdue_urgent
from tessera.notifications.models import Notification
from tests.conftest import make_user, sign_in
from tests.intake.intake_helpers import PHQ_NO_RISK, PHQ_RISK, make_application

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
# Friday 4 December 2026: 10:00 is in the clinic's working hours, 02:00 on Saturday not.
DAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=STOCKHOLM)
NIGHT = dt.datetime(2026, 12, 5, 2, 0, tzinfo=STOCKHOLM)


def _urgent(world, at, email="urgent@apply.test"):
    with time_machine.travel(at, tick=False):
        return make_application(world.clinic, email, phq=PHQ_RISK, phone="0701234")


def _escalated():
    return Notification.objects.filter(kind="urgent_application_escalated")


def _on_call(world, email="oncall@alpha.test", *, role=Role.THERAPIST):
    user = make_user(email, second_factor=True, first_name="Otto")
    do_grant_role(user, world.clinic, role, on_call=True)
    return user


def test_the_window_is_one_clock_hour_from_when_the_team_is_told(world, consent):
    for when in (DAY, NIGHT):
        application = _urgent(world, when, email=f"u{when.hour}@apply.test")
        assert application.urgent_acknowledge_by is not None
        application.refresh_from_db()
        assert application.urgent_acknowledge_by == when + dt.timedelta(hours=1)
    routine = make_application(world.clinic, "routine@apply.test", phq=PHQ_NO_RISK)
    routine.refresh_from_db()
    assert routine.urgent_acknowledge_by is None


def test_a_referred_persons_later_risk_answer_starts_the_window_then(world, consent):
    from tessera.intake.actions import apply as apply_actions
    from tests.intake.intake_helpers import REFERRAL

    person = {"first_name": "Rut", "last_name": "Ref", "email": "rut@apply.test"}
    with time_machine.travel(DAY, tick=False):
        application = apply_actions.do_refer(world.clinic, referral=dict(REFERRAL), person=person)
    application.refresh_from_db()
    assert application.urgent_acknowledge_by is None
    user = make_user("rut@apply.test")
    application = apply_actions.do_claim_invitation(application, user=user)
    later = DAY + dt.timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        apply_actions.do_submit_screening(
            application, "PHQ-9", PHQ_RISK, acting_user=user, language="en"
        )
    application.refresh_from_db()
    assert application.urgent_acknowledge_by == later + dt.timedelta(hours=1)


def test_nothing_escalates_within_the_hour_and_once_after_it(
    world, consent, django_capture_on_commit_callbacks
):
    application = _urgent(world, DAY)
    assert escalate_overdue_urgent(DAY + dt.timedelta(minutes=59)) == []
    assert not _escalated().exists()
    late = DAY + dt.timedelta(hours=1, minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert [a.pk for a in escalate_overdue_urgent(late)] == [application.pk]
    # in working hours: the clinic managers, by e-mail and text where they have a number
    told = set(_escalated().values_list("recipient__email", flat=True))
    assert told == {"manager@alpha.test", "nomfa@alpha.test"}
    assert all(n.link == reverse("intake_application", args=[application.pk]) for n in _escalated())
    count = _escalated().count()
    # a second sweep, a late one, a concurrent one: nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue_urgent(late + dt.timedelta(hours=5)) == []
    assert _escalated().count() == count
    application.refresh_from_db()
    assert application.urgent_escalated_at == late
    event = AuditEvent.objects.get(action="application.urgent_escalated")
    assert event.actor_role == "system" and event.changes["out_of_hours"] is False


def test_out_of_hours_the_rota_is_told_too_by_email_and_text(
    world, consent, settings, django_capture_on_commit_callbacks
):
    from tessera.core.models import OnCallShift
    from tessera.notifications import sms

    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    on_call = _on_call(world)
    on_call.mobile_phone = "+46701234567"
    on_call.save(update_fields=["mobile_phone"])
    OnCallShift.objects.create(
        clinic=world.clinic, user=on_call, weekday=6, starts_hour=0, ends_hour=24
    )
    application = _urgent(world, NIGHT)
    late = NIGHT + dt.timedelta(hours=2)
    with time_machine.travel(late, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_automation(late).urgent_applications == 1
    told = _escalated().filter(recipient=on_call)
    assert sorted(told.values_list("channel", "state")) == [("email", "sent"), ("sms", "sent")]
    texts = [s.text for s in sms.outbox if s.recipient_id == on_call.pk]
    assert len(texts) == 2  # told at once, then the escalation
    for secret in ("Ada", "Applicant", "PHQ", "risk", "harm", application.reference):
        assert all(secret not in text for text in texts)
    assert _escalated().filter(recipient__email="manager@alpha.test").exists()
    sms.outbox.clear()


def test_an_acknowledged_or_closed_application_does_not_escalate(world, consent):
    acknowledged = _urgent(world, DAY, email="ack@apply.test")
    closed = _urgent(world, DAY, email="closed@apply.test")
    do_acknowledge_urgent(acknowledged, acting_user=world["intake"])
    closed.status = "declined"
    closed.save(update_fields=["status"])
    assert escalate_overdue_urgent(DAY + dt.timedelta(hours=2)) == []


@pytest.mark.parametrize("how", ["offboarded", "role removed", "account closed", "on leave"])
def test_an_acknowledgement_by_someone_who_left_is_taken_back_and_passed_on(
    world, consent, django_capture_on_commit_callbacks, how
):
    """The intake coordinator said "I am dealing with this", then left or lost the role:
    the application stayed acknowledged by nobody who could act, and never escalated."""
    from tessera.core import actions as core_actions

    application = _urgent(world, DAY)
    intake = world["intake"]
    with time_machine.travel(DAY + dt.timedelta(minutes=10), tick=False):
        do_acknowledge_urgent(application, acting_user=intake)
    if how == "offboarded":
        core_actions.do_offboard_staff(intake, acting_user=world["manager"], clinics=[world.clinic])
    elif how == "role removed":
        grant = intake.clinic_roles.get(clinic=world.clinic)
        core_actions.do_remove_role(grant, acting_user=world["manager"])
    elif how == "on leave":  # away from that day: nobody acts on it (decision 0160)
        core_actions.do_record_leave(
            world.clinic,
            acting_user=world["manager"],
            user=intake,
            first_day=DAY.date(),
            last_day=DAY.date(),
        )
    else:
        type(intake).objects.filter(pk=intake.pk).update(is_active=False)
    assert escalate_overdue_urgent(DAY + dt.timedelta(minutes=30)) == []  # within the hour
    with django_capture_on_commit_callbacks(execute=True):
        (passed_on,) = escalate_overdue_urgent(DAY + dt.timedelta(minutes=61))
    passed_on.refresh_from_db()
    assert passed_on.urgent_acknowledged_at is None and passed_on.urgent_acknowledged_by is None
    assert _escalated().filter(recipient=world["manager"]).exists()
    lapsed = AuditEvent.objects.get(action="application.urgent_acknowledgement_lapsed")
    assert lapsed.changes == {"acknowledged_by": intake.pk}
    assert escalate_overdue_urgent(DAY + dt.timedelta(minutes=70)) == []  # once


def test_the_first_acknowledgement_is_kept_and_audited(world, consent):
    application = _urgent(world, DAY)
    with time_machine.travel(DAY + dt.timedelta(minutes=20), tick=False):
        do_acknowledge_urgent(application, acting_user=world["intake"])
    do_acknowledge_urgent(application, acting_user=world["manager"])
    application.refresh_from_db()
    assert application.urgent_acknowledged_by == world["intake"]
    assert application.urgent_acknowledged_at == DAY + dt.timedelta(minutes=20)
    assert AuditEvent.objects.filter(action="application.urgent_acknowledged").count() == 1


def test_a_routine_application_cannot_be_acknowledged(world, consent):
    routine = make_application(world.clinic, "routine@apply.test", phq=PHQ_NO_RISK)
    with pytest.raises(ValidationError):
        do_acknowledge_urgent(routine, acting_user=world["intake"])


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("intake", True),
        ("assessor", True),
        ("manager", True),
        ("on_call", True),
        ("therapist", False),
        ("supervisor", False),
        ("other_manager", False),
        ("staff_no_mfa", False),
        ("applicant", False),
    ],
)
def test_only_the_clinics_intake_staff_on_call_and_managers_may_acknowledge(
    world, consent, client, kind, allowed
):
    application = _urgent(world, DAY)
    users = {
        "on_call": lambda: _on_call(world),
        "staff_no_mfa": lambda: world["staff_no_mfa"],
        "applicant": lambda: application.applicant,
    }
    user = users[kind]() if kind in users else world[kind]
    sign_in(client, user)
    url = reverse("intake_application_action", args=[application.pk, "acknowledge"])
    response = client.post(url)
    application.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert application.urgent_acknowledged_by == user
        page = client.get(reverse("intake_application", args=[application.pk])).content.decode()
        assert "acknowledged by" in page and "Acknowledge: I am dealing" not in page
    else:
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert not response["Location"].startswith(
                reverse("intake_application", args=[application.pk])
            )
        assert application.urgent_acknowledged_at is None
        with pytest.raises(ValidationError):
            do_acknowledge_urgent(application, acting_user=user)


def test_the_queue_and_the_page_say_whether_it_is_acknowledged(world, consent, client):
    application = _urgent(world, DAY)
    sign_in(client, world["intake"])
    queue = client.get(reverse("intake_queue")).content.decode()
    assert "not yet acknowledged" in queue
    page = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert 'id="urgent-state"' in page and "not yet acknowledged" in page
    assert "Acknowledge: I am dealing with this" in page
    client.post(reverse("intake_application_action", args=[application.pk, "acknowledge"]))
    queue = client.get(reverse("intake_queue")).content.decode()
    assert "acknowledged by Staffintake" in queue or "acknowledged by" in queue
    assert "not yet acknowledged" not in queue


def test_a_merged_urgent_duplicate_brings_its_window_and_still_escalates(world, consent):
    from tessera.intake import actions as intake_actions
    from tessera.intake.actions import apply as apply_actions
    from tests.intake.intake_helpers import GAD

    with time_machine.travel(DAY, tick=False):
        older = make_application(world.clinic, "one@apply.test", phq=None, gad=GAD, submit=False)
        older.screening_set = ["GAD-7"]
        older.save()
        older = apply_actions.do_submit_application(older, acting_user=older.applicant)
    newer = _urgent(world, DAY + dt.timedelta(minutes=10), email="two@apply.test")
    assert newer.possible_duplicate_of == older and not older.urgent
    with time_machine.travel(DAY + dt.timedelta(minutes=20), tick=False):
        kept = intake_actions.do_merge_duplicate(newer, acting_user=world["intake"])
    kept.refresh_from_db()
    assert kept == older and kept.urgent
    assert kept.urgent_acknowledge_by == DAY + dt.timedelta(minutes=70)
    with time_machine.travel(DAY + dt.timedelta(hours=2), tick=False):
        escalated = escalate_overdue_urgent()
    assert [a.pk for a in escalated] == [kept.pk]
