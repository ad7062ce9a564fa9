"""Time left to the response target, in working hours, over weekends and the autumn
clock change, for clinics in Stockholm and London. Hand-worked cases; time is frozen
with time-machine where the inbox reads the clock itself."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine

from tessera.core.models import Clinic
from tessera.inbox import scope, timing, worklist
from tessera.inbox.scope import Choice
from tests.inbox.inbox_world import manual_programme, worksheet

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC


def stockholm_clinic():
    # 08:00-16:00 Monday to Friday, reply within 16 working hours (two working days).
    return Clinic(
        time_zone="Europe/Stockholm",
        working_days="12345",
        opens_at=dt.time(8),
        closes_at=dt.time(16),
        response_target_hours=16,
    )


def london_clinic():
    # 09:00-17:00 Monday to Friday, reply within 16 working hours.
    return Clinic(
        time_zone="Europe/London",
        working_days="12345",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        response_target_hours=16,
    )


def at(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


# Sent Friday 20 November 2026 14:00 in Stockholm: Friday 14-16 (2 h), Monday 23rd 8-16
# (8 h), Tuesday 24th 8-14 (6 h): due Tuesday 14:00.
FRIDAY_SENT = at(STOCKHOLM, 2026, 11, 20, 14, 0)


def test_the_deadline_skips_the_weekend():
    due = timing.due(stockholm_clinic(), FRIDAY_SENT, at(STOCKHOLM, 2026, 11, 20, 15, 0))
    assert due.deadline == at(STOCKHOLM, 2026, 11, 24, 14, 0)


@pytest.mark.parametrize(
    ("now", "seconds", "overdue", "text"),
    [
        # Friday 15:00: 1 h on Friday + 8 h Monday + 6 h Tuesday = 15 h.
        ((2026, 11, 20, 15, 0), 15 * 3600, False, "due in 1 working day"),
        # Saturday and Sunday: the clock stands still at 14 h.
        ((2026, 11, 21, 12, 0), 14 * 3600, False, "due in 1 working day"),
        ((2026, 11, 22, 23, 0), 14 * 3600, False, "due in 1 working day"),
        # Monday 15:00: 1 h Monday + 6 h Tuesday = 7 h.
        ((2026, 11, 23, 15, 0), 7 * 3600, False, "due in 7 working hours"),
        # Tuesday 11:50: 2 h 10 min left, rounded up.
        ((2026, 11, 24, 11, 50), 2 * 3600 + 600, False, "due in 3 working hours"),
        # Tuesday 15:30: 1.5 h late.
        ((2026, 11, 24, 15, 30), 5400, True, "overdue by 1 working hour"),
        # Tuesday 14:20: 20 minutes late.
        ((2026, 11, 24, 14, 20), 1200, True, "overdue by less than 1 working hour"),
        # Wednesday 17:00: Tuesday 14-16 (2 h) + Wednesday 8-16 (8 h) = 10 h = 1 day.
        ((2026, 11, 25, 17, 0), 10 * 3600, True, "overdue by 1 working day"),
        # The next Monday 09:00: Tuesday 2 h + Wednesday to Friday 24 h + Monday 1 h = 27 h.
        ((2026, 11, 30, 9, 0), 27 * 3600, True, "overdue by 3 working days"),
    ],
)
def test_time_left_over_a_weekend_in_stockholm(now, seconds, overdue, text):
    due = timing.due(stockholm_clinic(), FRIDAY_SENT, at(STOCKHOLM, *now))
    assert (due.seconds, due.overdue, due.text) == (seconds, overdue, text)


def test_stockholm_across_the_autumn_clock_change():
    # Sunday 25 October 2026 03:00 CEST becomes 02:00 CET. Sent Friday 23rd 12:00 CEST
    # (10:00 UTC): Friday 12-16 (4 h), Monday 26th 8-16 (8 h), Tuesday 27th 8-12 (4 h).
    sent = at(STOCKHOLM, 2026, 10, 23, 12, 0)
    assert sent.astimezone(UTC).hour == 10
    clinic = stockholm_clinic()
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 25, 12, 0))
    assert due.deadline == at(UTC, 2026, 10, 27, 11, 0)  # Tuesday 12:00 CET
    assert due.seconds == 12 * 3600
    # Monday 26th 10:00 CET (09:00 UTC): 6 h Monday + 4 h Tuesday = 10 h.
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 26, 9, 0))
    assert (due.seconds, due.text) == (10 * 3600, "due in 1 working day")
    # Tuesday 27th 13:00 CET (12:00 UTC): an hour late, not two.
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 27, 12, 0))
    assert (due.seconds, due.overdue, due.text) == (3600, True, "overdue by 1 working hour")


def test_london_across_the_autumn_clock_change():
    # Sunday 25 October 2026 02:00 BST becomes 01:00 GMT. Sent Friday 23rd 15:00 BST
    # (14:00 UTC): Friday 15-17 (2 h), Monday 26th 9-17 (8 h), Tuesday 27th 9-15 (6 h).
    sent = at(LONDON, 2026, 10, 23, 15, 0)
    clinic = london_clinic()
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 24, 12, 0))
    assert due.deadline == at(UTC, 2026, 10, 27, 15, 0)  # Tuesday 15:00 GMT
    assert due.seconds == 14 * 3600
    # Monday 16:30 GMT: half an hour Monday + 6 h Tuesday = 6.5 h, rounded up to 7.
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 26, 16, 30))
    assert (due.seconds, due.text) == (6 * 3600 + 1800, "due in 7 working hours")
    # Wednesday 28th 10:00 GMT: Tuesday 15-17 (2 h) + Wednesday 9-10 (1 h) late.
    due = timing.due(clinic, sent, at(UTC, 2026, 10, 28, 10, 0))
    assert (due.seconds, due.overdue, due.text) == (3 * 3600, True, "overdue by 3 working hours")


# --- the inbox itself, with the clock frozen -------------------------------------------


def _reply_row(therapist, answer):
    work = worklist.build(scope.caseload(therapist, Choice(therapist, team=False)))
    return next(row for row in work.items if row.key == f"worksheet-{answer.pk}")


def _sent_worksheet(world, clinic, sent_at):
    from tessera.treatment import actions as treatment
    from tessera.treatment.actions import plans as plan_actions
    from tests.conftest import make_patient

    programme = manual_programme(world.region, key=f"p{uuid.uuid4().hex[:6]}")
    with time_machine.travel(sent_at, tick=False):
        patient, episode = make_patient(
            clinic, f"{uuid.uuid4().hex[:8]}@inbox.test", therapist=world["therapist"]
        )
        plan_actions.do_seed_plan(episode, programme, acting_user=world["therapist"])
        treatment.do_start_treatment(episode, acting_user=world["therapist"])
        return worksheet(episode, acting_user=patient.user)


@pytest.mark.django_db
def test_the_inbox_over_a_weekend_in_stockholm(world):
    answer = _sent_worksheet(world, world.clinic, FRIDAY_SENT)  # alpha is in Stockholm
    with time_machine.travel(at(STOCKHOLM, 2026, 11, 21, 12, 0), tick=False):
        assert _reply_row(world["therapist"], answer).due.text == "due in 1 working day"
    with time_machine.travel(at(STOCKHOLM, 2026, 11, 23, 15, 0), tick=False):
        assert _reply_row(world["therapist"], answer).due.text == "due in 7 working hours"
    with time_machine.travel(at(STOCKHOLM, 2026, 11, 25, 17, 0), tick=False):
        row = _reply_row(world["therapist"], answer)
        assert (row.due.overdue, row.due.text) == (True, "overdue by 1 working day")


@pytest.mark.django_db
def test_the_inbox_across_the_clock_change_in_london(world):
    from tessera.core import actions as core_actions
    from tessera.core.roles import Role

    london = core_actions.do_create_clinic(
        region=world.region,
        name="Clinic Scotland",
        slug="london",
        country="GB-SCT",
        languages=["en"],
        time_zone="Europe/London",
        crisis_contacts=[{"language": "en", "label": "Emergency", "phone": "999"}],
    )
    london.opens_at, london.closes_at = dt.time(9), dt.time(17)
    london.save()
    core_actions.do_grant_role(world["therapist"], london, Role.THERAPIST)
    world["therapist"].__dict__.pop("_tessera_roles", None)
    answer = _sent_worksheet(world, london, at(LONDON, 2026, 10, 23, 15, 0))
    with time_machine.travel(at(UTC, 2026, 10, 26, 16, 30), tick=False):
        assert _reply_row(world["therapist"], answer).due.text == "due in 7 working hours"
    with time_machine.travel(at(UTC, 2026, 10, 28, 10, 0), tick=False):
        assert _reply_row(world["therapist"], answer).due.text == "overdue by 3 working hours"
