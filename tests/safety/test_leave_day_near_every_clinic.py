"""The day a leave is looked for around is within a day of every clinic's own, whatever
zone the moment is given in (decision 0160's follow-up): a moment given in UTC+14 is two
days from the day of a clinic in UTC-11 just before its midnight, and a leave of that
clinic's day was missed by the alerts' routing, which took the moment's own day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tessera.core import actions as core_actions
from tessera.core import clinic_dates
from tessera.core.models import Clinic
from tessera.safety import recipients

pytestmark = pytest.mark.django_db

PAGO_PAGO = zoneinfo.ZoneInfo("Pacific/Pago_Pago")  # UTC-11
KIRITIMATI = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14
DAY = dt.date(2026, 12, 4)
LATE = dt.datetime(2026, 12, 4, 23, 30, tzinfo=PAGO_PAGO)  # its own day still


def test_a_clinics_late_evening_given_far_east_is_still_its_day(world):
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Pacific/Pago_Pago")
    world.clinic.refresh_from_db()
    with time_machine.travel(LATE - dt.timedelta(days=1), tick=False):
        core_actions.do_record_leave(
            world.clinic,
            acting_user=world["manager"],
            user=world["therapist"],
            first_day=DAY,
            last_day=DAY,
            cover=None,
        )
    given = LATE.astimezone(KIRITIMATI)
    assert given.date() == DAY + dt.timedelta(days=2)
    assert clinic_dates.near_every_clinic(given) == DAY + dt.timedelta(days=1)
    (leave,) = recipients._leave_at([world.clinic], given)
    assert leave.user_id == world["therapist"].pk
    # Past its midnight, the leave is over there.
    assert recipients._leave_at([world.clinic], given + dt.timedelta(hours=1)) == []
