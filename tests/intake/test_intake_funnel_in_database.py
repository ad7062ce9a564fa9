"""The funnel counted in the database (issue 16, decision 0147): the same steps and
medians as the waits counted in Python gave (the old ``funnel``, kept here as the
reference), for an odd and an even number of waits, a wait with no step before it and
none at all; no application read into Python; the same queries for one application
and many."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.models import Episode
from tessera.intake.actions import decisions
from tessera.intake.funnel import STEPS, _applications, funnel
from tessera.intake.models import Application
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application

T0 = dt.datetime(2027, 2, 20, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _in_python(clinic):
    """The funnel as it was counted before (every application read, medians by
    ``statistics.median``): (count, median) per step."""
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    fields = [field for field, _label in STEPS[:-1]] + ["ended_on"]
    rows = list(_applications(clinic).values_list(*fields))
    steps = []
    for index in range(len(STEPS)):
        reached = [row for row in rows if row[index] is not None]
        waits = []
        for row in reached if index else []:
            before, after = row[index - 1], row[index]
            if before is None:
                continue
            if hasattr(after, "hour") != hasattr(before, "hour"):
                before = timezone.localdate(before, zone) if hasattr(before, "hour") else before
                after = timezone.localdate(after, zone) if hasattr(after, "hour") else after
            waits.append((after - before).total_seconds() / 86400)
        steps.append((len(reached), round(statistics.median(waits), 1) if waits else None))
    return steps


def _episodes(world, *applications):
    """The applications assessed and accepted with one published programme: their
    episodes."""
    version = published_version(world)
    for application in applications:
        decisions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            therapist=world["therapist"],
            **assess_kwargs(),
        )
    return [
        Episode.objects.get(pk=Application.objects.get(pk=a.pk).episode_id) for a in applications
    ]


def _set(application, **stamps):
    Application.objects.filter(pk=application.pk).update(**stamps)


def _hand_built(world):
    """Applied → screened: 1, 2 and 10 days (odd: 2.0). Screened → assessed: 6 hours,
    1 day 6 hours and 2 days (odd: 1.25, rounded half to even 1.2), and one assessed
    never screened (counted, no wait). Assessed → started: 8 days 8.5 hours and 18 hours
    (even: 4.552…, 4.6). Started → ended: 00:30 in Stockholm ended that day (0) and
        a course of 20 days (even: 10.0)."""
    a, b, c, d = (make_application(world.clinic, f"fd{i}@apply.test") for i in range(4))
    first, second = _episodes(world, a, b)
    _set(a, submitted_at=T0, screened_at=T0 + DAY, assessed_at=T0 + DAY + DAY / 4)
    _set(b, submitted_at=T0, screened_at=T0 + 2 * DAY, assessed_at=T0 + 3 * DAY + DAY / 4)
    _set(c, submitted_at=T0, screened_at=T0 + 10 * DAY, assessed_at=T0 + 12 * DAY)
    _set(d, submitted_at=T0, screened_at=None, assessed_at=T0 + 5 * DAY)
    _set(a, started_at=dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC))  # 2 March there
    Episode.objects.filter(pk=first.pk).update(ended_on=dt.date(2027, 3, 2))
    _set(b, started_at=T0 + 4 * DAY)
    Episode.objects.filter(pk=second.pk).update(ended_on=(T0 + 24 * DAY).date())
    return c


def test_it_counts_a_clinic_without_applications(world):
    steps = funnel(world.clinic)
    assert [(s.count, s.median_days) for s in steps] == [(0, None)] * 5
    assert _in_python(world.clinic) == [(0, None)] * 5


def test_it_gives_the_medians_the_waits_in_python_gave(world):
    c = _hand_built(world)
    found = [(s.count, s.median_days) for s in funnel(world.clinic)]
    assert found == [(4, None), (3, 2.0), (4, 1.2), (2, 4.6), (2, 10.0)]
    assert found == _in_python(world.clinic)
    # A fourth wait from screening (2 days 6 hours) and the third made 6 hours: even,
    # 0.25, 0.25, 1.25, 2.25 → (0.25 + 1.25) / 2 = 0.75, rounded half to even 0.8.
    e = make_application(world.clinic, "fd9@apply.test")
    _set(e, submitted_at=T0, screened_at=T0, assessed_at=T0 + 2 * DAY + DAY / 4)
    _set(c, assessed_at=T0 + 10 * DAY + DAY / 4)
    found = [(s.count, s.median_days) for s in funnel(world.clinic)]
    assert found == _in_python(world.clinic)
    assert found[2] == (5, 0.8)


def test_it_reads_no_application_into_python(world):
    """Every query counts or reads at most the two middle waits: the old funnel read
    every application the clinic ever had."""
    _hand_built(world)
    with CaptureQueriesContext(connection) as queries:
        funnel(world.clinic)
    for query in queries.captured_queries:
        sql = query["sql"].upper().strip()
        assert "COUNT(" in sql or re.search(r"LIMIT \d+( OFFSET \d+)?$", sql), sql


def test_it_asks_the_same_queries_for_one_application_and_many(world):
    a = make_application(world.clinic, "fq0@apply.test")
    _set(a, submitted_at=T0, screened_at=T0 + DAY, assessed_at=T0 + 2 * DAY)
    _set(a, started_at=T0 + 3 * DAY)
    (episode,) = _episodes(world, a)
    _set(a, started_at=T0 + 3 * DAY)
    Episode.objects.filter(pk=episode.pk).update(ended_on=(T0 + 9 * DAY).date())
    with CaptureQueriesContext(connection) as one:
        funnel(world.clinic)
    for i in range(1, 4):
        other = make_application(world.clinic, f"fq{i}@apply.test")
        _set(other, submitted_at=T0, screened_at=T0 + i * DAY, assessed_at=T0 + 5 * DAY)
    with CaptureQueriesContext(connection) as many:
        funnel(world.clinic)
    assert len(one) == len(many) == 5
