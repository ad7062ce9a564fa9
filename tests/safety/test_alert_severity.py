"""Each risk rule's own severity and acknowledgement window; escalation out of hours to
the on-call rota, exactly once per level, audited, with no clinical content (issue 12).

Hand-scored cases: clinic alpha works 08-16 Monday to Friday in Stockholm, windows of
one working hour for high alerts (its setting) and one clock hour for urgent ones.

| answers | rules that fire | severity | acknowledge by |
|---|---|---|---|
| PHQ-9 item 9 = 1, Tue 10:00 | phq9_item9 | high | Tue 11:00 (one working hour) |
| PHQ-9 item 9 = 2, Tue 10:00 | phq9_item9 | high | Tue 11:00 |
| PHQ-9 item 9 = 3, Tue 10:00 | phq9_item9, phq9_item9_daily | urgent | Tue 11:00 (one clock hour) |
| PHQ-9 item 9 = 3, Sat 02:00 | phq9_item9, phq9_item9_daily | urgent | Sat 03:00, not Monday |
| PHQ-9 item 9 = 2, Sat 02:00 | phq9_item9 | high | Mon 09:00 |
"""

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine
from django.core import mail

from tessera.core import actions as core_actions
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.instruments.scoring import load_definition, score
from tessera.instruments.scoring.definitions import load_all
from tessera.safety import actions, rules
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tests.conftest import make_user

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
SATURDAY_02 = dt.datetime(2026, 11, 28, 2, 0, tzinfo=STOCKHOLM)


def phq9(item9: int) -> dict[int, int]:
    return {**dict.fromkeys(range(1, 9), 1), 9: item9}


def submit(world, answers, at, capture) -> RiskAlert:
    with time_machine.travel(at, tick=False), capture(execute=True):
        treatment.do_submit_response(
            world.due,
            answers,
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    return RiskAlert.objects.get(episode=world.episode)


@pytest.fixture
def on_call(world):
    """A therapist on the rota every night and weekend (outside 08-16 on weekdays)."""
    user = make_user("oncall@alpha.test", second_factor=True)
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=range(1, 8),
        starts_hour=0,
        ends_hour=8,
    )
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=range(1, 8),
        starts_hour=16,
        ends_hour=24,
    )
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=[6, 7],
        starts_hour=8,
        ends_hour=16,
    )
    return user


@pytest.mark.parametrize(
    ("item9", "codes", "severity"),
    [
        (0, [], None),
        (1, ["phq9_item9"], "high"),
        (2, ["phq9_item9"], "high"),
        (3, ["phq9_item9", "phq9_item9_daily"], "urgent"),
    ],
)
def test_phq9_item9_grades(item9, codes, severity):
    flags = score(load_definition("PHQ-9"), phq9(item9)).risk_flags
    assert sorted(f.code for f in flags) == codes
    if flags:
        assert rules.severity_of(flags) == severity


@pytest.mark.parametrize(
    ("code", "answers", "fired", "severity"),
    [
        ("MADRS-S", {**dict.fromkeys(range(1, 9), 2), 9: 3}, [], None),
        ("MADRS-S", {**dict.fromkeys(range(1, 9), 2), 9: 4}, ["madrss_item9"], "high"),
        ("MADRS-S", {**dict.fromkeys(range(1, 9), 2), 9: 5}, ["madrss_item9"], "high"),
        (
            "MADRS-S",
            {**dict.fromkeys(range(1, 9), 2), 9: 6},
            ["madrss_item9", "madrss_item9_top"],
            "urgent",
        ),
        ("CORE-10", {**dict.fromkeys(range(1, 11), 1), 6: 0}, [], None),
        ("CORE-10", dict.fromkeys(range(1, 11), 1), ["core10_item6"], "urgent"),
    ],
)
def test_every_shipped_risk_rule_at_every_severity(code, answers, fired, severity):
    flags = score(load_definition(code), answers).risk_flags
    assert sorted(f.code for f in flags) == fired
    if flags:
        assert rules.severity_of(flags) == severity


def test_every_shipped_risk_rule_has_a_known_severity_and_a_source():
    seen = 0
    for definition in load_all().values():
        for rule in definition.risk_rules:
            seen += 1
            assert rule.severity in rules.ORDER
            assert rule.source.strip()
            if rule.severity == rules.URGENT:
                assert rule.acknowledge_within_hours == 1
    assert seen >= 5


def test_severity_order_and_unknown_counts_as_high():
    class Flag:
        def __init__(self, severity):
            self.severity = severity

    assert rules.severity_of([Flag("moderate"), Flag("urgent")]) == "urgent"
    assert rules.severity_of([Flag("moderate")]) == "moderate"
    assert rules.severity_of([Flag("whatever")]) == "high"
    assert rules.severity_of([]) == "high"


@pytest.mark.parametrize(
    ("item9", "at", "severity", "due"),
    [
        (1, TUESDAY_10, "high", dt.datetime(2026, 11, 24, 11, 0, tzinfo=STOCKHOLM)),
        (2, TUESDAY_10, "high", dt.datetime(2026, 11, 24, 11, 0, tzinfo=STOCKHOLM)),
        (3, TUESDAY_10, "urgent", dt.datetime(2026, 11, 24, 11, 0, tzinfo=STOCKHOLM)),
        (3, SATURDAY_02, "urgent", dt.datetime(2026, 11, 28, 3, 0, tzinfo=STOCKHOLM)),
        (2, SATURDAY_02, "high", dt.datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)),
    ],
)
def test_each_severity_has_its_own_window(
    world, django_capture_on_commit_callbacks, item9, at, severity, due
):
    alert = submit(world, phq9(item9), at, django_capture_on_commit_callbacks)
    assert alert.severity == severity
    assert alert.acknowledge_by == due


def test_a_rule_window_shorter_than_the_clinic_s_wins(world):
    class Flag:
        severity = "high"
        acknowledge_within_hours = 2

    world.clinic.alert_ack_hours_high = 8
    due = rules.acknowledge_by(world.clinic, "high", TUESDAY_10, [Flag()])
    assert due == dt.datetime(2026, 11, 24, 12, 0, tzinfo=STOCKHOLM)
    assert rules.acknowledge_by(world.clinic, "high", TUESDAY_10) == dt.datetime(
        2026, 11, 24, 16, 0, tzinfo=STOCKHOLM
    ) + dt.timedelta(hours=18)  # 6 working hours Tuesday, 2 more on Wednesday from 08:00


def test_a_high_alert_out_of_hours_reaches_the_on_call_person_at_once(
    world, on_call, django_capture_on_commit_callbacks
):
    submit(world, phq9(2), SATURDAY_02, django_capture_on_commit_callbacks)
    told = {m.to[0] for m in mail.outbox}
    assert on_call.email in told


class TestUrgentOutOfHours:
    @pytest.fixture
    def urgent(self, world, on_call, django_capture_on_commit_callbacks):
        alert = submit(world, phq9(3), SATURDAY_02, django_capture_on_commit_callbacks)
        mail.outbox.clear()
        return alert

    def sweep(self, at, capture):
        with time_machine.travel(at, tick=False), capture(execute=True):
            return actions.escalate_overdue()

    def test_it_escalates_to_the_on_call_rota_not_the_supervisor(
        self, world, on_call, urgent, django_capture_on_commit_callbacks
    ):
        escalated = self.sweep(
            dt.datetime(2026, 11, 28, 3, 1, tzinfo=STOCKHOLM), django_capture_on_commit_callbacks
        )
        assert [a.escalation_level for a in escalated] == [1]
        told = {m.to[0] for m in mail.outbox}
        assert on_call.email in told
        assert world["supervisor"].email not in told
        event = AuditEvent.objects.get(action="risk_alert.escalated")
        assert event.changes["out_of_hours"] is True
        assert event.changes["told"] == [on_call.pk]
        assert event.changes["severity"] == "urgent"
        # One clock hour again for the next level, not Monday morning.
        urgent.refresh_from_db()
        assert urgent.acknowledge_by == dt.datetime(2026, 11, 28, 4, 1, tzinfo=STOCKHOLM)

    def test_each_level_exactly_once_however_often_the_sweep_runs(
        self, world, on_call, urgent, django_capture_on_commit_callbacks
    ):
        at = dt.datetime(2026, 11, 28, 3, 1, tzinfo=STOCKHOLM)
        assert len(self.sweep(at, django_capture_on_commit_callbacks)) == 1
        sent = len(mail.outbox)
        assert self.sweep(at, django_capture_on_commit_callbacks) == []
        assert self.sweep(at + dt.timedelta(minutes=5), django_capture_on_commit_callbacks) == []
        assert len(mail.outbox) == sent
        assert AuditEvent.objects.filter(action="risk_alert.escalated").count() == 1
        # A late sweep, many windows overdue, still moves one level at a time.
        late = dt.datetime(2026, 11, 28, 9, 0, tzinfo=STOCKHOLM)
        assert [
            a.escalation_level for a in self.sweep(late, django_capture_on_commit_callbacks)
        ] == [2]
        assert self.sweep(late, django_capture_on_commit_callbacks) == []
        event = AuditEvent.objects.filter(action="risk_alert.escalated").latest("id")
        assert world["manager"].pk in event.changes["told"] and on_call.pk in event.changes["told"]

    def test_notices_carry_no_clinical_content(
        self, world, on_call, urgent, django_capture_on_commit_callbacks
    ):
        self.sweep(
            dt.datetime(2026, 11, 28, 3, 1, tzinfo=STOCKHOLM), django_capture_on_commit_callbacks
        )
        assert mail.outbox
        for message in mail.outbox:
            text = (message.subject + message.body).lower()
            for word in ("phq", "item", "urgent", "suicid", "self-harm", "dead"):
                assert word not in text
            assert world.patient.first_name.lower() not in text
            assert world.patient.last_name.lower() not in text

    def test_acknowledged_in_time_it_does_not_escalate(
        self, world, on_call, urgent, django_capture_on_commit_callbacks
    ):
        actions.do_acknowledge(urgent, acting_user=on_call)
        assert (
            self.sweep(
                dt.datetime(2026, 11, 28, 5, 0, tzinfo=STOCKHOLM),
                django_capture_on_commit_callbacks,
            )
            == []
        )


def test_without_a_rota_an_out_of_hours_escalation_reaches_the_managers(
    world, django_capture_on_commit_callbacks
):
    submit(world, phq9(3), SATURDAY_02, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with (
        time_machine.travel(dt.datetime(2026, 11, 28, 3, 1, tzinfo=STOCKHOLM), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        actions.escalate_overdue()
    assert world["manager"].email in {m.to[0] for m in mail.outbox}


def test_in_hours_an_urgent_alert_escalates_to_the_supervisor(
    world, on_call, django_capture_on_commit_callbacks
):
    submit(world, phq9(3), TUESDAY_10, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with (
        time_machine.travel(dt.datetime(2026, 11, 24, 11, 1, tzinfo=STOCKHOLM), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        actions.escalate_overdue()
    assert [m.to[0] for m in mail.outbox] == [world["supervisor"].email]


CONFIGURATIONS = ["guided", "unguided_no_rota", "unguided_with_rota", "no_crisis_contacts"]


@pytest.mark.parametrize("configuration", CONFIGURATIONS)
@pytest.mark.parametrize("when", [TUESDAY_10, SATURDAY_02], ids=["in_hours", "saturday_night"])
@pytest.mark.parametrize(
    ("code", "answers", "severity"),
    [
        ("PHQ-9", phq9(1), "high"),
        ("PHQ-9", phq9(3), "urgent"),
        ("MADRS-S", {**dict.fromkeys(range(1, 9), 2), 9: 4}, "high"),
        ("MADRS-S", {**dict.fromkeys(range(1, 9), 2), 9: 6}, "urgent"),
        ("CORE-10", dict.fromkeys(range(1, 11), 1), "urgent"),
        ("help", None, "moderate"),  # "I need help", the moderate path
    ],
    ids=["phq9_high", "phq9_urgent", "madrss_high", "madrss_urgent", "core10_urgent", "help"],
)
def test_every_rule_at_every_severity_reaches_a_person_at_every_level(
    world, code, answers, severity, when, configuration, django_capture_on_commit_callbacks
):
    """Issue 12 'done when': alerts for every risk rule at every severity reach a person,
    at once and at each escalation level, in every configuration: guided with its
    therapist; unguided with no therapist and no rota (the managers are the fallback);
    unguided with someone on call every hour; and a clinic whose crisis contacts were
    removed while patients are in treatment."""
    from django.urls import reverse

    from tessera.core.models import CrisisContact, Episode, OnCallShift
    from tessera.notifications.models import Notification
    from tessera.treatment.models import DueMeasure

    episode = world.episode
    if configuration != "guided":
        Episode.objects.filter(pk=episode.pk).update(therapist=None, care_model="unguided")
        episode.refresh_from_db()
    if configuration == "unguided_with_rota":
        person = make_user("rota@alpha.test", second_factor=True)
        core_actions.do_grant_role(person, world.clinic, Role.THERAPIST)
        core_actions.do_add_on_call_shifts(
            world.clinic,
            acting_user=world["manager"],
            user=person,
            weekdays=range(1, 8),
            starts_hour=0,
            ends_hour=24,
        )
        assert OnCallShift.objects.count() == 7
    if configuration == "no_crisis_contacts":
        CrisisContact.objects.filter(clinic=world.clinic).delete()
    staff = set(
        world.clinic.staff_roles.filter(user__is_active=True).values_list("user", flat=True)
    )

    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        if code == "help":
            from tessera.automation.actions.help import do_ask_for_help

            alert = do_ask_for_help(episode, acting_user=world.patient.user, text="I feel awful")
        else:
            due = DueMeasure.objects.create(
                episode=episode,
                instrument=code,
                time_point="weekly",
                sequence=99,
                opens_at=when - dt.timedelta(days=1),
                due_at=when,
                expires_at=when + dt.timedelta(days=7),
            )
            treatment.do_submit_response(
                due,
                answers,
                acting_user=world.patient.user,
                submission_key=uuid.uuid4(),
                language="en",
            )
    alert = RiskAlert.objects.get(episode=episode)  # opened once the answer is committed
    assert alert.severity == severity

    link = reverse("risk_alert", args=[alert.pk])
    rows = Notification.objects.filter(kind="risk_alert", channel="email", link=link)
    level0 = set(rows.values_list("recipient", flat=True))
    assert level0 and level0 <= staff
    for level in (1, 2):
        alert.refresh_from_db()
        moment = alert.acknowledge_by + dt.timedelta(minutes=1)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            (escalated,) = actions.escalate_overdue()
        assert escalated.escalation_level == level
        event = AuditEvent.objects.filter(action="risk_alert.escalated").latest("id")
        assert event.changes["told"], (level, event.changes)
        assert set(event.changes["told"]) <= staff
