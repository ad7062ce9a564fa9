"""The therapists' time kept on the outcome row (decision 0039): every action that
records time adds it at once, a correction takes it away, the row equals a rebuild
from scratch, and the data migration fills it from the time entries."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

from django.apps import apps
from django.utils import timezone

from tessera.reports import outcome_table
from tessera.reports.models import EpisodeOutcome
from tessera.workload.actions import do_add_manual_time, do_add_measured_time, do_heartbeat
from tessera.workload.models import TimeEntry


def _seconds():
    return dict(EpisodeOutcome.objects.values_list("episode_id", "therapist_seconds"))


def _from_entries():
    found = dict.fromkeys(EpisodeOutcome.objects.values_list("episode_id", flat=True), 0)
    for episode_id, seconds in TimeEntry.objects.values_list("episode_id", "seconds"):
        found[episode_id] += seconds
    return found


def _record_time(cohort, world):
    therapist = world["therapist"]
    day = timezone.localdate() - dt.timedelta(days=3)
    do_add_measured_time(cohort["A"], user=therapist, day=day, seconds=1500)
    do_add_manual_time(
        cohort["A"],
        acting_user=therapist,
        staff_member=therapist,
        day=day,
        minutes=-5,
        reason="Counted twice",
        submission_key=uuid.uuid4(),
    )
    do_add_manual_time(
        cohort["B"],
        acting_user=therapist,
        staff_member=therapist,
        day=day,
        minutes=40,
        reason="Phone call",
        submission_key=uuid.uuid4(),
    )
    now = timezone.now()
    for gap in (0, 30, 60):  # a new row, then two heartbeats of 30 seconds each
        do_heartbeat(cohort["C"], acting_user=therapist, now=now + dt.timedelta(seconds=gap))


def test_each_action_that_records_time_adds_it_to_the_row(cohort, world):
    _record_time(cohort, world)
    seconds = _seconds()
    assert seconds[cohort["A"].pk] == 1500 - 300
    assert seconds[cohort["B"].pk] == 2400
    assert seconds[cohort["C"].pk] == 60
    assert seconds == _from_entries()


def test_the_time_equals_a_rebuild_from_scratch(cohort, world):
    _record_time(cohort, world)
    kept = _seconds()
    EpisodeOutcome.objects.all().delete()
    outcome_table.rebuild()  # also the shared world's episodes, without time
    rebuilt = _seconds()
    entries = _from_entries()
    assert {pk: rebuilt[pk] for pk in kept} == kept == {pk: entries[pk] for pk in kept}
    assert sum(kept.values()) == 1200 + 2400 + 60


def test_the_data_migration_fills_the_time_from_the_entries(cohort, world):
    _record_time(cohort, world)
    EpisodeOutcome.objects.update(therapist_seconds=0)
    migration = importlib.import_module("tessera.reports.migrations.0011_therapist_time_on_outcome")
    migration.fill_therapist_seconds(apps, None)
    assert _seconds() == _from_entries()
    assert sum(_seconds().values()) == 3660


def test_the_data_migration_is_two_set_based_statements_and_resets_stale_time(
    cohort, world, django_assert_num_queries
):
    """One UPDATE ... FROM (SELECT ... GROUP BY), not a subquery per row (decision 0043);
    a course whose row holds time it has no entries for is set back to 0."""
    _record_time(cohort, world)
    EpisodeOutcome.objects.update(therapist_seconds=0)
    timed = [pk for pk, seconds in _from_entries().items() if seconds]
    without = EpisodeOutcome.objects.exclude(episode_id__in=timed).first()
    assert without is not None
    EpisodeOutcome.objects.filter(pk=without.pk).update(therapist_seconds=999)
    migration = importlib.import_module("tessera.reports.migrations.0011_therapist_time_on_outcome")
    with django_assert_num_queries(2):
        migration.fill_therapist_seconds(apps, None)
    assert _seconds() == _from_entries()
    assert EpisodeOutcome.objects.get(pk=without.pk).therapist_seconds == 0
