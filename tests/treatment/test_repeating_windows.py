"""A repeating questionnaire's occasion closes when its next one opens (decision 0131):
a patient who missed a week is not asked the same questionnaire twice. Hand-computed
days; the migration (treatment 0020) brings occasions already scheduled into line."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from tessera.treatment.models import DueMeasure
from tessera.treatment.schedule import occasions
from tests.treatment.test_schedule import rule

START = dt.date(2026, 3, 2)  # a Monday, as in test_schedule
migration = importlib.import_module(
    "tessera.treatment.migrations.0020_repeating_occasions_close_when_the_next_opens"
)


def test_a_weekly_window_ends_when_the_next_one_opens():
    got = occasions([rule("PHQ-9", "weekly")], start=START, weeks=4, time_zone="UTC")
    days = [(o.opens_at.date(), o.due_at.date(), o.expires_at.date()) for o in got]
    assert days == [
        # opens 2 days before, due, closes as the next opens (was the 8th day after: 17 March)
        (dt.date(2026, 3, 7), dt.date(2026, 3, 9), dt.date(2026, 3, 14)),
        (dt.date(2026, 3, 14), dt.date(2026, 3, 16), dt.date(2026, 3, 21)),
        (dt.date(2026, 3, 21), dt.date(2026, 3, 23), dt.date(2026, 3, 31)),  # the last: 7 after
    ]
    assert all(a.expires_at <= b.opens_at for a, b in zip(got, got[1:], strict=False))


def test_an_occasion_stays_open_on_its_due_day_however_close_the_next():
    got = occasions([rule("PHQ-9", "custom", interval=1)], start=START, weeks=1, time_zone="UTC")
    assert all(o.expires_at == o.due_at + dt.timedelta(days=1) for o in got[:-1])


def test_other_time_points_and_questionnaires_keep_their_windows():
    got = occasions(
        [rule("PHQ-9", "pre"), rule("PHQ-9", "weekly"), rule("GAD-7", "weekly", after=3)],
        start=START,
        weeks=3,
        time_zone="UTC",
    )
    pre = next(o for o in got if o.time_point == "pre")
    assert pre.expires_at.date() == dt.date(2026, 3, 10)  # the baseline is not cut short
    gad = [o for o in got if o.instrument == "GAD-7"]
    assert gad[0].expires_at.date() == dt.date(2026, 3, 13)  # 3 after: before the next opens


@pytest.mark.django_db
def test_the_migration_closes_open_occasions_when_their_next_opens(world):
    now = timezone.now()
    day = dt.timedelta(days=1)

    def occasion(sequence, due_at, **extra):
        return DueMeasure.objects.create(
            episode=world.episode,
            instrument="PHQ-9",
            time_point="weekly",
            sequence=100 + sequence,
            opens_at=due_at - 2 * day,
            due_at=due_at,
            expires_at=due_at + 8 * day,
            **extra,
        )

    missed = occasion(0, now - 6 * day)  # open, and so is the next: asked twice
    answered = occasion(1, now - day, completed_at=now - day)
    cancelled = occasion(2, now + 6 * day, cancelled=True)
    last = occasion(3, now + 13 * day)
    expired = DueMeasure.objects.create(  # its window is over: left as it is
        episode=world.episode,
        instrument="GAD-7",
        time_point="weekly",
        sequence=200,
        opens_at=now - 20 * day,
        due_at=now - 18 * day,
        expires_at=now - 10 * day,
    )
    migration.close_when_the_next_opens(apps, None)
    for row in (missed, answered, cancelled, last, expired):
        row.refresh_from_db()
    assert missed.expires_at == now - 3 * day  # when the answered one opened
    assert answered.expires_at == now + 7 * day
    assert cancelled.expires_at == now + 14 * day
    assert last.expires_at == now + 21 * day
    assert expired.expires_at == now - 10 * day
    open_now = DueMeasure.objects.open_now(now).filter(episode=world.episode, instrument="PHQ-9")
    assert missed not in open_now
