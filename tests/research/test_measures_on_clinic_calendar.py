"""A study's measure is due so many days after randomisation on the clinic's calendar
(decision 0121), not so many times 24 hours: randomised at 23:30 in Stockholm in winter,
the 56-day measure is due on the 56th day, though summer time has begun in between."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from tessera.core.clinic_dates import clinic_date
from tessera.research.models import ResearchMeasure
from tests.research.fixtures import new_participant

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def test_a_measure_is_due_on_its_day_across_the_spring_night(world, study):
    randomised = dt.datetime(2027, 3, 6, 23, 30, tzinfo=STOCKHOLM)
    with time_machine.travel(randomised, tick=False):
        participant = new_participant(world, 1)
    assert participant.randomised_at == randomised
    due = ResearchMeasure.objects.get(participant=participant).due
    assert clinic_date(world.clinic, due.due_at) == dt.date(2027, 5, 1)  # 6 March + 56 days
    assert clinic_date(world.clinic, due.opens_at) == dt.date(2027, 4, 29)
