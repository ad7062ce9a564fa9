"""Risk alerts: opened by a risk answer or a concern, acknowledged, escalated, resolved."""

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tessera.core import actions as core_actions
from tessera.core.models import AuditEvent, Episode
from tessera.core.roles import Role
from tessera.safety import actions
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tests.conftest import make_user

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
PHQ9_ITEM9_TWO = {**dict.fromkeys(range(1, 9), 1), 9: 2}


def submit_phq9(world, answers, *, capture):
    with capture(execute=True):
        return treatment.do_submit_response(
            world.due,
            answers,
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )


def escalate_at(when: dt.datetime, *, capture) -> list[RiskAlert]:
    """The sweep run at ``when`` with the clock held still, what it sends on commit sent:
    the alerts it escalated."""
    with time_machine.travel(when, tick=False), capture(execute=True):
        return actions.escalate_overdue()


@pytest.fixture
def alert(world, django_capture_on_commit_callbacks):
    submit_phq9(world, PHQ9_ITEM9_TWO, capture=django_capture_on_commit_callbacks)
    return RiskAlert.objects.get(episode=world.episode)


def test_it_opens_a_high_alert_for_phq9_item9_answered_2(world, alert):
    assert alert.source == "response"
    assert alert.severity == "high"
    assert alert.rule_codes == ["phq9_item9"]
    assert alert.response.answers["9"] == 2
    assert alert.acknowledge_by > alert.opened_at
    assert AuditEvent.objects.filter(action="risk_alert.opened", patient=world.patient).exists()


def test_it_tells_the_therapist_without_clinical_content(world, alert):
    to = [m.to[0] for m in mail.outbox]
    assert world["therapist"].email in to
    for message in mail.outbox:
        text = message.subject + message.body
        assert world.patient.first_name not in text
        assert world.patient.last_name not in text
        assert "PHQ" not in text and "item" not in text
        assert f"/alerts/{alert.pk}/" in text


def test_it_opens_no_alert_without_a_risk_answer(world, django_capture_on_commit_callbacks):
    submit_phq9(
        world,
        dict.fromkeys(range(1, 10), 1) | {9: 0},
        capture=django_capture_on_commit_callbacks,
    )
    assert not RiskAlert.objects.exists()


def test_one_alert_per_response_even_if_the_signal_comes_twice(world, alert):
    again = actions.do_open_alert_for_response(alert.response, [])
    assert again.pk == alert.pk
    assert RiskAlert.objects.count() == 1


def test_it_cannot_be_resolved_without_an_action(world, alert):
    with pytest.raises(ValidationError) as err:
        actions.do_resolve(alert, acting_user=world["therapist"], action="", note="")
    assert "action" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.do_resolve(alert, acting_user=world["therapist"], action="none", note=" ")
    assert "action_note" in err.value.message_dict
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_the_database_refuses_a_resolved_alert_without_an_action(world, alert):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAlert.objects.filter(pk=alert.pk).update(resolved_at=alert.opened_at)


def test_acknowledge_then_resolve_is_audited(world, alert):
    actions.do_acknowledge(alert, acting_user=world["therapist"])
    done = actions.do_resolve(
        alert, acting_user=world["therapist"], action="phoned", note="Spoke with her; safe."
    )
    assert done.acknowledged_by == world["therapist"]
    assert done.resolved_by == world["therapist"]
    actions_logged = set(
        AuditEvent.objects.filter(object_type="RiskAlert").values_list("action", flat=True)
    )
    assert {"risk_alert.opened", "risk_alert.acknowledged", "risk_alert.resolved"} <= actions_logged
    with pytest.raises(ValidationError):
        actions.do_resolve(alert, acting_user=world["therapist"], action="phoned", note="again")


def test_a_concern_needs_words(world):
    with pytest.raises(ValidationError):
        actions.do_raise_concern(
            world.episode, acting_user=world["therapist"], concern=" ", severity="high"
        )
    alert = actions.do_raise_concern(
        world.episode,
        acting_user=world["therapist"],
        concern="Wrote about giving away belongings.",
        severity="moderate",
    )
    assert alert.source == "concern" and alert.raised_by == world["therapist"]


class TestEscalation:
    """Clinic alpha works 08-16 Monday to Friday in Stockholm; a high alert must be
    acknowledged within one working hour (the default)."""

    @pytest.fixture
    def opened_tuesday(self, world, django_capture_on_commit_callbacks):
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM), tick=False):
            submit_phq9(
                world,
                PHQ9_ITEM9_TWO,
                capture=django_capture_on_commit_callbacks,
            )
        return RiskAlert.objects.get()

    def test_it_is_due_one_working_hour_later(self, opened_tuesday):
        due = opened_tuesday.acknowledge_by.astimezone(STOCKHOLM)
        assert due == dt.datetime(2026, 11, 24, 11, 0, tzinfo=STOCKHOLM)

    def test_nothing_happens_before_the_deadline(self, opened_tuesday):
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 59, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []

    def test_it_goes_to_the_supervisor_then_the_manager(
        self, world, opened_tuesday, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        capture = django_capture_on_commit_callbacks
        escalated = escalate_at(dt.datetime(2026, 11, 24, 11, 1, tzinfo=STOCKHOLM), capture=capture)
        assert [a.escalation_level for a in escalated] == [1]
        assert [m.to[0] for m in mail.outbox] == [world["supervisor"].email]
        # Nobody acknowledges: one working hour later it goes to the clinic manager.
        mail.outbox.clear()
        escalated = escalate_at(dt.datetime(2026, 11, 24, 12, 2, tzinfo=STOCKHOLM), capture=capture)
        assert [a.escalation_level for a in escalated] == [2]
        managers = {m.to[0] for m in mail.outbox}
        assert world["manager"].email in managers
        assert AuditEvent.objects.filter(action="risk_alert.escalated").count() == 2

    def test_an_acknowledged_alert_does_not_escalate(self, world, opened_tuesday):
        actions.do_acknowledge(opened_tuesday, acting_user=world["therapist"])
        with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []

    @pytest.mark.parametrize(
        "how", ["offboarded", "account closed", "role removed", "patient moved to a colleague"]
    )
    def test_an_acknowledgement_by_someone_who_can_no_longer_act_is_taken_back(
        self, world, opened_tuesday, django_capture_on_commit_callbacks, how
    ):
        """The therapist said "I am dealing with this", then left, lost the role, or the
        patient went to a colleague: the alert stayed acknowledged by nobody who could
        act, never escalated, and nobody was told again."""
        therapist = world["therapist"]
        actions.do_acknowledge(opened_tuesday, acting_user=therapist)
        if how == "offboarded":
            core_actions.do_offboard_staff(
                therapist, acting_user=world["manager"], clinics=[world.clinic]
            )
        elif how == "account closed":
            type(therapist).objects.filter(pk=therapist.pk).update(is_active=False)
        elif how == "role removed":
            grant = therapist.clinic_roles.get(clinic=world.clinic, role=Role.THERAPIST)
            core_actions.do_remove_role(grant, acting_user=world["manager"])
        else:
            Episode.objects.filter(pk=world.episode.pk).update(therapist=world["colleague"])
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 30, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []  # within the window: nothing yet
        mail.outbox.clear()
        escalated = escalate_at(
            dt.datetime(2026, 11, 24, 11, 1, tzinfo=STOCKHOLM),
            capture=django_capture_on_commit_callbacks,
        )
        assert [a.escalation_level for a in escalated] == [1]
        alert = RiskAlert.objects.get()
        assert alert.acknowledged_at is None and alert.acknowledged_by is None
        assert [m.to[0] for m in mail.outbox] == [world["supervisor"].email]
        lapsed = AuditEvent.objects.get(action="risk_alert.acknowledgement_lapsed")
        assert lapsed.changes == {"acknowledged_by": therapist.pk}
        with time_machine.travel(dt.datetime(2026, 11, 24, 11, 5, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []  # once

    def test_at_the_last_level_the_managers_are_told_again(
        self, world, opened_tuesday, django_capture_on_commit_callbacks
    ):
        """Someone on call acknowledged it (their mark lets them act while it is open):
        that holds. Taken off the rota, they no longer can: with no level left to pass
        it to, the managers are told again, once however often the sweep runs."""
        RiskAlert.objects.update(escalation_level=2)
        oncall = make_user("oncall@alpha.test", second_factor=True)
        core_actions.do_grant_role(oncall, world.clinic, Role.THERAPIST)
        (shift,) = core_actions.do_add_on_call_shifts(
            world.clinic,
            acting_user=world["manager"],
            user=oncall,
            weekdays=[2],
            starts_hour=0,
            ends_hour=24,
        )
        actions.do_acknowledge(opened_tuesday, acting_user=oncall)
        with time_machine.travel(dt.datetime(2026, 11, 24, 11, 1, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []  # it holds
        core_actions.do_remove_on_call_shift(shift, acting_user=world["manager"])
        mail.outbox.clear()
        for minute in (2, 3):  # the sweep twice: told once
            escalated = escalate_at(
                dt.datetime(2026, 11, 24, 11, minute, tzinfo=STOCKHOLM),
                capture=django_capture_on_commit_callbacks,
            )
            assert len(escalated) == (1 if minute == 2 else 0)
        alert = RiskAlert.objects.get()
        assert alert.escalation_level == 2 and alert.acknowledged_at is None
        told = sorted(m.to[0] for m in mail.outbox)
        assert world["manager"].email in told and len(told) == len(set(told))
        assert oncall.email not in told

    def test_friday_afternoon_alert_escalates_on_monday(
        self, world, django_capture_on_commit_callbacks
    ):
        with time_machine.travel(dt.datetime(2026, 11, 27, 15, 30, tzinfo=STOCKHOLM), tick=False):
            submit_phq9(
                world,
                PHQ9_ITEM9_TWO,
                capture=django_capture_on_commit_callbacks,
            )
        with time_machine.travel(dt.datetime(2026, 11, 29, 12, 0, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []  # Sunday: still within the window
        with time_machine.travel(dt.datetime(2026, 11, 30, 8, 31, tzinfo=STOCKHOLM)):
            assert len(actions.escalate_overdue()) == 1

    def test_christmas_holidays_are_skipped_before_escalating(
        self, world, django_capture_on_commit_callbacks
    ):
        # Clinic alpha is in Sweden: Christmas Eve and Christmas Day 2026 (Thursday and
        # Friday) are closed days, so half an hour on Wednesday leaves half an hour for
        # Monday 28 December.
        with time_machine.travel(dt.datetime(2026, 12, 23, 15, 30, tzinfo=STOCKHOLM), tick=False):
            submit_phq9(world, PHQ9_ITEM9_TWO, capture=django_capture_on_commit_callbacks)
        alert = RiskAlert.objects.get()
        due = dt.datetime(2026, 12, 28, 8, 30, tzinfo=STOCKHOLM)
        assert alert.acknowledge_by == due
        with time_machine.travel(dt.datetime(2026, 12, 24, 12, 0, tzinfo=STOCKHOLM)):
            assert actions.escalate_overdue() == []  # Christmas Eve: still within the window
        with time_machine.travel(dt.datetime(2026, 12, 28, 8, 31, tzinfo=STOCKHOLM), tick=False):
            escalated = actions.escalate_overdue()
        # The supervisors' window is one more working hour on Monday.
        assert [a.escalation_level for a in escalated] == [1]
        assert escalated[0].acknowledge_by == dt.datetime(2026, 12, 28, 9, 31, tzinfo=STOCKHOLM)


class TestOnCall:
    @pytest.fixture
    def on_call(self, world):
        user = make_user("oncall@alpha.test", second_factor=True)
        core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
        core_actions.do_add_on_call_shifts(
            world.clinic,
            acting_user=world["manager"],
            user=user,
            weekdays=range(1, 8),
            starts_hour=0,
            ends_hour=24,
        )
        return user

    def test_on_call_staff_see_an_episode_only_while_its_alert_is_open(self, world, on_call, alert):
        visible = Episode.objects.visible_to(on_call)
        assert list(visible) == [world.episode]
        actions.do_resolve(alert, acting_user=on_call, action="assessed", note="Seen today.")
        assert not Episode.objects.visible_to(on_call).exists()

    def test_on_call_staff_are_told(self, world, on_call, alert):
        assert on_call.email in [m.to[0] for m in mail.outbox]


def test_a_risk_answer_after_treatment_still_opens_an_alert_that_reaches_a_person(
    world, django_capture_on_commit_callbacks
):
    """Issue 12 (no silent risk path): the questionnaire after treatment and the
    follow-ups are answered on an ended episode; a risk answer there opens the same alert
    and tells the therapist (the managers when nobody else is there)."""
    from tessera.portal.ending import do_end_episode
    from tessera.treatment.models import DueMeasure

    do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")
    world.episode.refresh_from_db()
    assert world.episode.status == Episode.Status.ENDED
    after = DueMeasure.objects.filter(
        episode=world.episode, instrument="PHQ-9", completed_at__isnull=True, cancelled=False
    ).order_by("due_at")
    assert after.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        treatment.do_submit_response(
            after[0],
            {**dict.fromkeys(range(1, 9), 0), 9: 3},
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    alert = RiskAlert.objects.get(episode=world.episode)
    assert alert.severity == "urgent"
    assert world["therapist"].email in {m.to[0] for m in mail.outbox}
