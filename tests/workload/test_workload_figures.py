"""Workload figures against hand-worked weeks.

The clinic "alpha" works Monday to Friday, 08:00–16:00 in Stockholm (2,400 minutes a
week) and answers within 16 working hours. "Now" is Thursday 26 November 2026, 13:00 in
Stockholm (12:00 UTC), in ISO week 2026-W48 (Monday 23 November).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from tessera.core.models import Clinic, ClinicRole, Episode, Patient
from tessera.messaging.models import Message
from tessera.treatment.models import WorksheetAnswer
from tessera.workload.actions import do_heartbeat
from tessera.workload.figures import clinic_workload
from tessera.workload.models import TimeEntry
from tests.conftest import make_patient

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
THIS_MONDAY = dt.date(2026, 11, 23)
LAST_MONDAY = dt.date(2026, 11, 16)


def at(y, m, d, hh, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


def created(episode, moment):
    Episode.objects.filter(pk=episode.pk).update(created_at=moment)


def time(user, episode, day, minutes):
    TimeEntry.objects.create(
        user=user, episode=episode, day=day, seconds=minutes * 60, source="manual", reason="t"
    )


def message(episode, sent, answered=None, **extra):
    return Message.objects.create(
        episode=episode,
        from_patient=extra.pop("from_patient", True),
        body="x",
        sent_at=sent,
        answered_at=answered,
        submission_key=uuid.uuid4(),
        **extra,
    )


@pytest.fixture
def week(world):
    """Therapist with three real episodes this week, one practice patient, one episode
    that ended last Friday, time, messages and a worksheet."""
    t = world["therapist"]
    ClinicRole.objects.filter(user=t, clinic=world.clinic, role="therapist").update(max_caseload=2)
    e1 = world.episode
    _, e2 = make_patient(world.clinic, "p2@alpha.test", therapist=t)
    _, e3 = make_patient(world.clinic, "p3@alpha.test", therapist=t)
    training, e4 = make_patient(world.clinic, "p4@alpha.test", therapist=t)
    Patient.objects.filter(pk=training.pk).update(is_training=True)
    _, e5 = make_patient(world.clinic, "p5@alpha.test", therapist=t)
    for e in (e1, e2, e4, e5):
        created(e, at(2026, 11, 2, 9))
    created(e3, at(2026, 11, 25, 9))  # opened on Wednesday this week
    Episode.objects.filter(pk=e5.pk).update(status="ended", ended_on=dt.date(2026, 11, 20))
    colleague_episode = Episode.objects.get(therapist=world["colleague"])
    # This week: 30 + 15 on the caseload, 600 on the practice patient (not counted),
    # 15 consulting on a colleague's patient (online work, not caseload).
    time(t, e1, dt.date(2026, 11, 23), 30)
    time(t, e2, dt.date(2026, 11, 25), 15)
    time(t, e4, dt.date(2026, 11, 24), 600)
    time(t, colleague_episode, dt.date(2026, 11, 26), 15)
    # Last week: 20 minutes on e1.
    time(t, e1, dt.date(2026, 11, 17), 20)
    # Messages (Stockholm is UTC+1 in November).
    message(e1, at(2026, 11, 23, 8), at(2026, 11, 23, 14))  # Mon 09-15: 6 h
    message(e2, at(2026, 11, 23, 7), at(2026, 11, 25, 13))  # Mon 08 - Wed 14: 22 h, late
    message(e1, at(2026, 11, 23, 9))  # Mon 10, waiting 27 working hours: late
    message(e2, at(2026, 11, 26, 8))  # Thu 09, waiting 4 hours: not yet due
    message(e1, at(2026, 11, 23, 8), is_automated=True)  # not the patient's
    message(e1, at(2026, 11, 23, 8), from_patient=False)  # the therapist's own
    message(e4, at(2026, 11, 23, 8))  # practice patient: never counted
    message(e1, at(2026, 11, 20, 14), at(2026, 11, 24, 9))  # Fri 15 - Tue 10: 11 h
    return world


def figures(world, user, **kwargs):
    with time_machine.travel(NOW, tick=False):
        (row,) = clinic_workload(world.clinic, therapist_ids=[user.pk], **kwargs)
    return row


def test_caseload_counts_open_real_episodes_per_week(week):
    row = figures(week, week["therapist"])
    this, last = row.weeks[0], row.weeks[1]
    assert (this.monday, last.monday) == (THIS_MONDAY, LAST_MONDAY)
    assert this.iso == "2026-W48"
    assert (this.caseload, this.max_caseload, this.over_caseload) == (3, 2, True)
    assert last.caseload == 3  # e1, e2 and the episode that ended on Friday
    assert row.weeks[8].monday == dt.date(2026, 9, 28)
    assert row.weeks[8].caseload == 0  # nothing was open yet


def test_minutes_per_patient_and_patients_without_time(week):
    this, last = figures(week, week["therapist"]).weeks[:2]
    assert this.minutes_per_patient == 15.0  # (30 + 15) / 3
    assert this.patients_without_time == 1
    assert last.minutes_per_patient == pytest.approx(6.7)  # 20 / 3
    assert last.patients_without_time == 2


def test_share_of_the_week_uses_opening_hours_when_no_weekly_hours(week):
    this = figures(week, week["therapist"]).weeks[0]
    assert this.minutes == 60  # 30 + 15 + 15 consulting; the practice patient not
    assert this.available_minutes == 2400
    assert this.share == 2.5
    assert not this.over_share


@pytest.mark.parametrize(("minutes", "over"), [(60, False), (61, True)])
def test_share_above_the_clinics_limit_warns(world, minutes, over):
    ClinicRole.objects.filter(user=world["therapist"], role="therapist").update(weekly_hours=2)
    time(world["therapist"], world.episode, THIS_MONDAY, minutes)
    this = figures(world, world["therapist"]).weeks[0]
    assert this.available_minutes == 120
    assert this.over_share is over  # 60/120 = 50 % is at the limit, not above it


def test_the_limit_is_the_clinics(world):
    Clinic.objects.filter(pk=world.clinic.pk).update(icbt_share_limit=1)
    world.clinic.refresh_from_db()
    time(world["therapist"], world.episode, THIS_MONDAY, 25)  # 25 / 2400 = 1.04 %
    assert figures(world, world["therapist"]).weeks[0].over_share


def test_reply_times_in_working_hours(week):
    this, last = figures(week, week["therapist"]).weeks[:2]
    m = this.messages
    assert sorted(m.answered_seconds) == [6 * 3600, 22 * 3600]
    assert m.median_hours == 14.0
    assert (m.within_target, m.late_waiting, m.decided, m.share_within) == (1, 1, 3, 33)
    assert last.messages.median_hours == 11.0
    assert last.messages.share_within == 100


def test_worksheet_feedback_times(week):
    from tests.plan_fixtures import build_plan

    plan = build_plan(week)
    step = plan.activity.steps.get(position=2)
    WorksheetAnswer.objects.create(
        entry=plan.entry,
        step=step,
        submitted_at=at(2026, 11, 24, 8),  # Tue 09:00
        feedback_at=at(2026, 11, 24, 10),  # Tue 11:00
    )
    w = figures(week, week["therapist"]).weeks[0].worksheets
    assert (w.median_hours, w.within_target, w.decided) == (2.0, 1, 1)


def test_a_week_across_the_change_to_summer_time(world):
    """Clocks in Stockholm go from 02:00 to 03:00 on Sunday 29 March 2026."""
    t = world["therapist"]
    created(world.episode, at(2026, 3, 1, 9))
    # Sunday 23:59:40 and Monday 00:00:10 summer time (21:59:40 and 22:00:10 UTC): the
    # thirty seconds belong to Monday, in week 14. In winter time they would be Sunday.
    do_heartbeat(world.episode, acting_user=t, now=dt.datetime(2026, 3, 29, 21, 59, 40, tzinfo=UTC))
    do_heartbeat(world.episode, acting_user=t, now=dt.datetime(2026, 3, 29, 22, 0, 10, tzinfo=UTC))
    # Friday 14:00 winter time to Monday 10:00 summer time: 2 + 2 working hours,
    # although 67 hours pass in UTC.
    message(world.episode, at(2026, 3, 27, 13), at(2026, 3, 30, 8))
    # Monday 00:30 summer time (Sunday 22:30 UTC) belongs to week 14; answered 09:00.
    message(world.episode, at(2026, 3, 29, 22, 30), at(2026, 3, 30, 7))
    with time_machine.travel(at(2026, 4, 2, 10), tick=False):
        (row,) = clinic_workload(world.clinic, therapist_ids=[t.pk])
    w14, w13 = row.weeks[0], row.weeks[1]
    assert (w14.monday, w13.monday) == (dt.date(2026, 3, 30), dt.date(2026, 3, 23))
    assert (w14.all_seconds, w13.all_seconds) == (30, 0)
    assert w13.messages.answered_seconds == [4 * 3600]
    assert w14.messages.answered_seconds == [1 * 3600]
    assert w13.available_minutes == 2400  # working hours do not change with the clocks


def test_a_clinic_in_another_time_zone(world):
    """New York works 09:00–17:00; clocks there change on Sunday 8 March 2026."""
    from tessera.core import actions
    from tessera.core.roles import Role

    ny = actions.do_create_clinic(
        region=world.region,
        name="Clinic ny",
        slug="ny",
        country="SE",
        languages=["en"],
        time_zone="America/New_York",
        crisis_contacts=[{"language": "en", "label": "Emergency", "phone": "911"}],
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        working_days="1234",
    )
    t = world["other_therapist"]
    actions.do_grant_role(t, ny, Role.THERAPIST)
    _, episode = make_patient(ny, "ny@ny.test", therapist=t)
    created(episode, at(2026, 2, 1, 14))
    # Monday 9 March 23:30 EDT is already Tuesday in UTC: the time is Monday's.
    do_heartbeat(episode, acting_user=t, now=at(2026, 3, 10, 3, 29, 30))
    do_heartbeat(episode, acting_user=t, now=at(2026, 3, 10, 3, 30))
    assert TimeEntry.objects.get(episode=episode).day == dt.date(2026, 3, 9)
    # Thursday 5 March 16:00 EST to Monday 9 March 10:00 EDT: Friday is no working day
    # there, so 1 + 1 working hours.
    message(episode, at(2026, 3, 5, 21), at(2026, 3, 9, 14))
    # Sunday 8 March 23:30 EDT is still week 10 there (Monday 9 March, week 11, in UTC);
    # by Thursday 12 March 12:00 EDT it has waited 8 + 8 + 8 + 3 working hours: late.
    message(episode, at(2026, 3, 9, 3, 30))
    with time_machine.travel(at(2026, 3, 12, 16), tick=False):
        (row,) = clinic_workload(ny, therapist_ids=[t.pk])
    w11, w10 = row.weeks[0], row.weeks[1]
    assert (w11.monday, w10.monday) == (dt.date(2026, 3, 9), dt.date(2026, 3, 2))
    assert w11.all_seconds == 30
    assert w11.available_minutes == 4 * 8 * 60
    assert w10.messages.answered_seconds == [2 * 3600]
    assert (w10.messages.late_waiting, w10.messages.share_within) == (1, 50)
    assert w11.messages.decided == 0


def test_a_therapist_without_anything_has_empty_weeks(world):
    row = figures(world, world["colleague"])
    assert len(row.weeks) == 9
    this = row.weeks[0]
    assert (this.minutes, this.share, this.messages.decided) == (0, 0.0, 0)
    assert this.messages.median_hours is None and this.messages.share_within is None


def _grow(world, n):
    t = world["therapist"]
    for i in range(n):
        _, e = make_patient(world.clinic, f"grow{n}-{i}@alpha.test", therapist=t)
        created(e, at(2026, 11, 2, 9))
        time(t, e, THIS_MONDAY, 10)
        message(e, at(2026, 11, 23, 8), at(2026, 11, 23, 9))


def test_figures_take_five_queries_whatever_the_caseload(world, django_assert_num_queries):
    for size in (2, 12):
        _grow(world, size)
        with time_machine.travel(NOW, tick=False), django_assert_num_queries(5):
            rows = clinic_workload(world.clinic)
        assert len(rows) == 2  # therapist and colleague


def test_without_caseloads_the_time_and_replies_are_the_same(week, django_assert_num_queries):
    """``caseloads=False`` (the implementation dashboard's reading, issue 16): the time
    recorded, the working time and the reply times as the full reading gives them, each
    week's caseload left at 0, in the same five queries."""
    with time_machine.travel(NOW, tick=False):
        both = clinic_workload(week.clinic)
        with django_assert_num_queries(5):
            light = clinic_workload(week.clinic, caseloads=False)
    assert [r.therapist.pk for r in light] == [r.therapist.pk for r in both]
    seen = 0
    for whole, part in zip(both, light, strict=True):
        for a, b in zip(whole.weeks, part.weeks, strict=True):
            assert (b.monday, b.all_seconds, b.available_minutes, b.share_limit) == (
                a.monday,
                a.all_seconds,
                a.available_minutes,
                a.share_limit,
            )
            assert b.messages == a.messages and b.worksheets == a.worksheets
            assert (b.caseload, b.caseload_seconds, b.patients_without_time) == (0, 0, 0)
            seen += a.caseload + len(a.messages.answered_seconds) + a.all_seconds
    assert seen, "the week has caseloads, time and replies to compare"
