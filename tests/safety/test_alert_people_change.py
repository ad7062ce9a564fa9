"""An open alert's people change while it waits, and whoever it is now is told (decision
0142). Before, the people told when it opened (or escalated) stayed the only ones told
until its window ran out: a therapist who left that morning was the only one told of a
moderate alert for eight working hours, a colleague given the patient was never told,
and the person whose rota hours began after a night-time alert waited for the window."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine

from tessera.automation.sweep import run_automation
from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.actions.staff import do_change_therapist
from tessera.core.models import ClinicRole, Episode
from tessera.core.roles import Role
from tessera.notifications import sms
from tessera.notifications.models import Notification
from tessera.safety import actions, recipients
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tests.conftest import make_user

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
RISK = {**dict.fromkeys(range(1, 9), 1), 9: 2}  # PHQ-9 item 9 at 2: high
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def otto(world):
    user = make_user("otto@alpha.test", second_factor=True, first_name="Otto")
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    return user


def told(user, alert) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user, params__alert=alert.pk).values_list(
            "kind", flat=True
        )
    )


def sweep(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return run_automation(at)


def concern(world, capture, severity="moderate"):
    with time_machine.travel(TUESDAY_10, tick=False), capture(execute=True):
        return actions.do_raise_concern(
            world.episode, acting_user=world["supervisor"], concern="Worried", severity=severity
        )


def test_a_therapist_told_alone_who_leaves_is_followed_by_the_managers_at_once(
    world, django_capture_on_commit_callbacks
):
    """No rota: a moderate concern reaches the therapist alone (eight working hours to
    acknowledge). They are offboarded five minutes later: the next sweep tells the
    managers, not the end of the window."""
    capture = django_capture_on_commit_callbacks
    alert = concern(world, capture)
    therapist = world["therapist"]
    assert told(therapist, alert) == ["risk_alert"]
    assert told(world["manager"], alert) == []
    core_actions.do_offboard_staff(therapist, acting_user=world["manager"], clinics=[world.clinic])
    sweep(TUESDAY_10 + dt.timedelta(minutes=5), capture)
    alert.refresh_from_db()
    assert alert.escalation_level == 0  # the window has not run out: not escalated
    for manager in on_call.managers(world.clinic):
        assert told(manager, alert), manager
    before = Notification.objects.count()
    sweep(TUESDAY_10 + dt.timedelta(minutes=10), capture)
    assert Notification.objects.count() == before  # once, however often it runs


def test_a_colleague_given_the_patient_is_told_of_the_open_alert(
    world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = concern(world, capture)
    colleague = world["colleague"]
    do_change_therapist(
        Episode.objects.get(pk=world.episode.pk),
        acting_user=world["manager"],
        to_user=colleague,
        reason="the patient asked",
    )
    assert told(colleague, alert) == []
    sweep(TUESDAY_10 + dt.timedelta(minutes=5), capture)
    assert "risk_alert" in told(colleague, alert)


def test_an_acknowledged_or_resolved_alert_tells_nobody_more(
    world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = concern(world, capture)
    actions.do_acknowledge(alert, acting_user=world["therapist"])
    do_change_therapist(
        Episode.objects.get(pk=world.episode.pk),
        acting_user=world["manager"],
        to_user=world["colleague"],
        reason="the patient asked",
    )
    sweep(TUESDAY_10 + dt.timedelta(minutes=5), capture)
    assert told(world["colleague"], alert) == []


def test_whoever_comes_on_call_after_a_night_alert_is_told_when_their_hours_begin(
    world, otto, django_capture_on_commit_callbacks
):
    """A rota with a gap at night: a high risk answer at 03:00 on a Saturday reaches the
    therapist alone (asleep). Otto's hours begin at 07:00: he is told then, not at the
    end of the window an hour later."""
    capture = django_capture_on_commit_callbacks
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=otto,
        weekdays=[6],
        starts_hour=7,
        ends_hour=16,
        mobile_phone="+46701234567",
    )
    saturday_3 = dt.datetime(2026, 11, 28, 3, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(saturday_3, tick=False), capture(execute=True):
        treatment.do_submit_response(
            world.due,
            RISK,
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    alert = RiskAlert.objects.get(episode=world.episode)
    assert told(otto, alert) == []
    sweep(saturday_3 + dt.timedelta(hours=2), capture)  # still nobody on call
    assert told(otto, alert) == []
    sweep(dt.datetime(2026, 11, 28, 7, 5, tzinfo=STOCKHOLM), capture)
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    assert told(otto, alert) == ["risk_alert", "risk_alert"]


def test_with_no_manager_an_escalation_reaches_the_rota_not_nobody(
    world, otto, django_capture_on_commit_callbacks
):
    """Every hour on the rota, no supervisor, and the managers' logins closed (the
    manager guards see only the staff pages): the escalation in working hours went to
    nobody. It goes to whoever is on call; the rota page warns of the missing manager."""
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=otto,
        weekdays=range(1, 8),
        starts_hour=0,
        ends_hour=24,
    )
    ClinicRole.objects.filter(clinic=world.clinic, role=Role.SUPERVISOR).delete()
    managers = ClinicRole.objects.filter(clinic=world.clinic, role=Role.CLINIC_MANAGER)
    type(otto).objects.filter(pk__in=managers.values("user_id")).update(is_active=False)
    alert = concern(world, django_capture_on_commit_callbacks, severity="high")
    wednesday = dt.datetime(2026, 11, 25, 10, 0, tzinfo=STOCKHOLM)
    assert otto in recipients.for_level(alert, 1, wednesday)
    assert otto in recipients.for_level(alert, 2, wednesday)
    assert "no_manager" in [p.code for p in on_call.problems(world.clinic)]


def test_telling_whoever_can_act_now_takes_the_same_queries_for_one_or_six_alerts(
    world, django_capture_on_commit_callbacks
):
    """Each clinic's rota, therapists, supervisors and managers are read once per sweep,
    not once per open alert (decision 0144): it was 4 queries for one alert, 9 for six;
    now 4 for either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    capture = django_capture_on_commit_callbacks
    later = TUESDAY_10 + dt.timedelta(minutes=5)

    def queries_with(count):
        for n in range(RiskAlert.objects.count(), count):
            with time_machine.travel(TUESDAY_10, tick=False), capture(execute=True):
                actions.do_raise_concern(
                    world.episode,
                    acting_user=world["supervisor"],
                    concern=f"Worried {n}",
                    severity="moderate",
                )
        sweep(later, capture)  # tells whoever was not told yet
        with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as seen:
            assert actions.tell_whoever_can_act_now(later) == 0
        return len(seen)

    one = queries_with(1)
    assert queries_with(6) == one


def test_a_practice_patients_alert_reaches_only_the_therapist_practising(
    world, otto, django_capture_on_commit_callbacks
):
    """A practice (training) patient is made up: its alert paged the rota and, when not
    acknowledged, the supervisors and managers, by text message at any hour. It reaches
    only the therapist practising with it, by e-mail, saying it is practice, and is never
    passed on (decision 0144)."""
    from tessera.feedback.actions.practice import do_create_training_patient

    capture = django_capture_on_commit_callbacks
    therapist = world["therapist"]
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=otto,
        weekdays=range(1, 8),
        starts_hour=0,
        ends_hour=24,
        mobile_phone="+46701234567",
    )
    with time_machine.travel(TUESDAY_10, tick=False), capture(execute=True):
        episode = do_create_training_patient(therapist, world.clinic, acting_user=therapist)
        alert = actions.do_raise_concern(
            episode, acting_user=therapist, concern="Practising", severity="high"
        )
    assert told(therapist, alert) == ["practice_risk_alert"]
    assert told(otto, alert) == []
    assert not Notification.objects.filter(params__alert=alert.pk, channel="sms").exists()
    sweep(TUESDAY_10 + dt.timedelta(days=3), capture)  # long past its window
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    others = Notification.objects.filter(params__alert=alert.pk).exclude(recipient=therapist)
    assert not others.exists()
