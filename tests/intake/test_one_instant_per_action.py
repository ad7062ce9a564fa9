"""One instant per action (decision 0121): the fields an intake action stamps with "now"
are one reading of the clock, so that they agree, across the clinic's midnight too.

The clock here moves a day at every reading of ``timezone.now()`` (``stepping_clock``):
two readings never share a day, so any field taken from a second reading shows. The
travel starts at 23:30 on 31 March 2027 in Scotland (00:30 on 1 April in Stockholm)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import zoneinfo
from unittest import mock

import time_machine
from django.utils import timezone

from tessera.core.clinic_dates import clinic_date
from tessera.core.models import Clinic, Episode
from tessera.intake.actions import apply as apply_actions
from tessera.intake.actions import decisions
from tessera.intake.models import Status
from tessera.treatment.actions.schedule import do_add_measure_rule
from tests.intake.assessment_helpers import assess_kwargs, assessed, published_version
from tests.intake.intake_helpers import REFERRAL, make_application
from tests.intake.test_start_after_clean_screening import PHQ_CLEAN, apply_with_audit

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2027, 3, 31, 23, 30, tzinfo=LONDON)


@contextlib.contextmanager
def stepping_clock(start=START, step=dt.timedelta(days=1)):
    """``timezone.now()`` a ``step`` later at every reading, from ``start``; the rest of
    the process's clock stands at ``start``."""
    readings = itertools.count()
    with (
        time_machine.travel(start, tick=False),
        mock.patch.object(timezone, "now", lambda: start + next(readings) * step),
    ):
        yield


def _scottish(world) -> Clinic:
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    world.clinic.refresh_from_db()
    return world.clinic


def test_a_referral_is_created_when_it_is_submitted(world):
    clinic = _scottish(world)
    with stepping_clock():
        application = apply_actions.do_refer(
            clinic,
            referral=REFERRAL,
            person={
                "first_name": "Gus",
                "last_name": "Holm",
                "date_of_birth": dt.date(1983, 5, 21),
            },
        )
    application.refresh_from_db()
    assert application.created_at == application.submitted_at
    assert application.referral.created_at == application.submitted_at


def test_an_accepted_course_starts_on_the_day_it_was_accepted(world, consent):
    clinic = _scottish(world)
    version = published_version(world)
    application = make_application(clinic, "late@apply.test")
    with stepping_clock():
        decisions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            therapist=world["therapist"],
            **assess_kwargs(),
        )
    application.refresh_from_db()
    episode = Episode.objects.get(pk=application.episode_id)
    assert application.started_at == application.decided_at
    assert episode.started_on == clinic_date(clinic, application.started_at)
    assert episode.created_at == application.decided_at


def test_a_course_from_the_waiting_list_starts_on_the_day_it_was_started(world, consent):
    clinic = _scottish(world)
    application = assessed(world, make_application(clinic, "waiting@apply.test"), decision="wait")
    assert application.status == Status.WAITING_LIST
    with stepping_clock():
        episode = decisions.do_start_from_waiting_list(application, acting_user=world["assessor"])
    application.refresh_from_db()
    assert episode.started_on == clinic_date(clinic, application.started_at)


def test_a_self_started_course_is_opened_and_started_at_one_instant(world, consent):
    clinic = _scottish(world)
    clinic.offers_unguided = True
    clinic.start_unguided_after_clean_screening = True
    clinic.save()
    for code in ("PHQ-9", "GAD-7", "AUDIT"):
        do_add_measure_rule(clinic, acting_user=None, instrument=code, time_point="screening")
    published_version(world)
    application = apply_with_audit(clinic, "clean@apply.test", phq=PHQ_CLEAN, submit=False)
    with stepping_clock():
        apply_actions.do_submit_application(application, acting_user=application.applicant)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    episode = Episode.objects.get(pk=application.episode_id)
    assert episode.started_on == clinic_date(clinic, application.started_at)
    assert episode.created_at == application.decided_at == application.started_at
