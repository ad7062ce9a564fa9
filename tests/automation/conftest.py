"""An unguided episode at clinic alpha: a programme whose modules open one after the
other, no therapist, and a member of staff on call."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine

from tessera.core import actions as core_actions
from tessera.core.models import Episode
from tessera.core.roles import Role
from tessera.treatment import actions as treatment
from tessera.treatment.actions import plans as plan_actions
from tests.conftest import make_patient, make_user
from tests.plan_fixtures import _module, _programme

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
START = dt.date(2026, 11, 2)  # a Monday


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def make_unguided(clinic, email: str, *, programme, first="Una", last="Ungren", start=START):
    patient, episode = make_patient(clinic, email, first=first, last=last)
    Episode.objects.filter(pk=episode.pk).update(care_model=Episode.CareModel.UNGUIDED)
    episode.refresh_from_db()
    with time_machine.travel(at(start, 9), tick=False):
        treatment.do_start_treatment(episode, start_on=start)
        plan_actions.do_seed_plan(episode, programme, acting_user=None)
    episode.refresh_from_db()
    return patient, episode


@pytest.fixture
def programme(world):
    first = _module(world.region, "calm", "Calm breathing basics")
    second = _module(world.region, "steps", "Small steps plan")
    return _programme(
        world.region, "selfhelp", "Self-help", [first, second], unlock_rule="after_previous"
    )


@pytest.fixture
def unguided(world, programme):
    patient, episode = make_unguided(world.clinic, "una@alpha.test", programme=programme)
    on_call = make_user("oncall@alpha.test", second_factor=True, first_name="Otto")
    core_actions.do_grant_role(on_call, world.clinic, Role.THERAPIST)
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=on_call,
        weekdays=range(1, 8),
        starts_hour=0,
        ends_hour=24,
    )
    entries = list(episode.plan.order_by("position"))
    return SimpleNamespace(patient=patient, episode=episode, entries=entries, on_call=on_call)
