"""The dashboard's counts per clinic (decision 0043) are kept by triggers on every way
of writing the rows (the ORM's saves, ``update()``, deletes, the outcome table's
refreshes and the time added to it) and equal a rebuild from scratch."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

from django.apps import apps
from django.db import connection
from django.utils import timezone

from tessera.intake.models import Application, Referral
from tessera.intake.models.applications import Status
from tessera.reports import counts, dashboard
from tessera.reports.models import DashboardCount, EpisodeOutcome
from tessera.workload.actions import do_add_manual_time
from tests.intake.intake_helpers import make_gp_referral

VALUES = ("n", *counts.VALUE_COLUMNS[1:])


def _kept():
    rows = DashboardCount.objects.values_list("clinic_id", "figure", "day", "key", *VALUES)
    return sorted(row for row in rows if any(row[4:]))


def _changes(world, cohort):
    tz = timezone.get_current_timezone()
    q1 = dt.datetime(2026, 3, 31, 23, 30, tzinfo=tz)  # the quarter's last day, late
    q2 = dt.datetime(2026, 5, 10, 12, tzinfo=tz)
    first = make_gp_referral(world.clinic, "c1@apply.test", "Norr", q1, assessed_at=q2)
    make_gp_referral(world.clinic, "c2@apply.test", "Syd", q2, status=Status.DRAFT)
    moved = make_gp_referral(world.clinic, "c3@apply.test", "Öst", q2, status=Status.DECLINED)
    Application.objects.filter(pk=moved.pk).update(decision_reason="  Too severe ")
    gone = make_gp_referral(world.other_clinic, "c4@apply.test", "Norr", q2)
    # Changes after the fact: a draft submitted, a decision, a move, a practice renamed,
    # a duplicate, a deletion.
    Application.objects.filter(status=Status.DRAFT).update(status=Status.SUBMITTED)
    first.refresh_from_db()
    first.status = Status.ACCEPTED
    first.started_at = q2 + dt.timedelta(days=3)
    first.save()
    Application.objects.filter(pk=moved.pk).update(clinic=world.other_clinic)
    Referral.objects.filter(application=first).update(organisation="Norr VC")
    Application.objects.filter(pk=gone.pk).update(status=Status.DUPLICATE)
    Referral.objects.filter(application=gone).delete()
    Application.objects.filter(pk=gone.pk).delete()
    # Courses: time added, an outcome row changed and one removed.
    do_add_manual_time(
        cohort["A"],
        acting_user=world["therapist"],
        staff_member=world["therapist"],
        day=timezone.localdate(),
        minutes=25,
        reason="Phone call",
        submission_key=uuid.uuid4(),
    )
    EpisodeOutcome.objects.filter(episode=cohort["B"]).update(
        programme_key="other", end_reason="dropped_out", area="ZZ"
    )
    EpisodeOutcome.objects.filter(episode=cohort["C"]).delete()


def test_the_triggers_keep_the_counts_equal_to_a_rebuild(cohort, world):
    _changes(world, cohort)
    kept = _kept()
    assert kept
    figures = {row[1] for row in kept}
    assert {"applied", "route", "gp", "ended", "started", "programme", "area"} <= figures
    assert {"wait_assessment", "wait_start", "reason_declined"} <= figures
    counts.rebuild()
    assert _kept() == kept


def test_the_migration_makes_the_triggers_and_fills_the_counts(cohort, world):
    migration = importlib.import_module("tessera.reports.migrations.0012_dashboard_counts")

    class Editor:  # the RunPython's schema editor, as far as the migration reads it
        pass

    editor = Editor()
    editor.connection = connection
    kept = _kept()
    migration.backwards(apps, editor)
    DashboardCount.objects.all().delete()
    migration.forwards(apps, editor)
    assert _kept() == kept
    _changes(world, cohort)  # the triggers are there again
    kept = _kept()
    counts.rebuild()
    assert _kept() == kept


def test_the_figures_read_from_the_counts(cohort, world):
    """What the dashboard shows: the practices per quarter of the application (a late
    evening on the quarter's last day is that quarter in the server's time zone), the
    decisions and waits."""
    _changes(world, cohort)
    rows = dashboard.gp_adoption(world.clinic).rows
    assert [row[:3] for row in rows] == [["2026 Q1", 1, 1], ["2026 Q2", 1, 1]]
    waits = {w.label: w for w in dashboard.waits(world.clinic)}
    assert [(w.n, w.median) for w in waits.values()] == [(1, 40), (1, 3)]
    reasons = dashboard.decline_reasons(world.other_clinic).rows
    assert reasons == [[str(Status.DECLINED.label), "Too severe", 1]]
