"""The dashboard's kept counts date each application on its own clinic's calendar, not
the server's (decision 0116; decision 0043's known limit): a Scottish clinic's referral
at 23:30 on a quarter's last day is 00:30 the next day in Stockholm, and stays in the
quarter, week and wait it was sent in where the clinic is, as the outcome figures count
it (decision 0109). A clinic whose time zone changes is counted again on its new one."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection

from tessera.core.models import Clinic
from tessera.reports import counts, dashboard
from tessera.reports.models import DashboardCount
from tests.intake.intake_helpers import make_gp_referral

LONDON = zoneinfo.ZoneInfo("Europe/London")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
NOW = dt.datetime(2027, 4, 2, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def clinics(world):
    Clinic.objects.filter(pk=world.other_clinic.pk).update(time_zone="Europe/London")
    scottish = Clinic.objects.get(pk=world.other_clinic.pk)
    swedish = Clinic.objects.get(pk=world.clinic.pk)
    with time_machine.travel(NOW, tick=False):
        # 23:30 in Scotland on 31 March: 00:30 on 1 April in Stockholm; assessed at
        # 00:30 its next day: one day's wait there, none in Stockholm.
        make_gp_referral(
            scottish,
            "scot@apply.test",
            "Loch",
            dt.datetime(2027, 3, 31, 23, 30, tzinfo=LONDON),
            assessed_at=dt.datetime(2027, 4, 1, 0, 30, tzinfo=LONDON),
        )
        # 00:30 on 1 April in Stockholm: still 31 March in UTC and in London.
        make_gp_referral(
            swedish, "early@apply.test", "Norr", dt.datetime(2027, 4, 1, 0, 30, tzinfo=STOCKHOLM)
        )
    return scottish, swedish


def _applied(clinic) -> list:
    return [row[:3] for row in dashboard.by_quarter(clinic).rows]


def _kept():
    rows = DashboardCount.objects.values_list("clinic_id", "figure", "day", "key", "n")
    return sorted(row for row in rows if row[4])


def test_each_clinics_applications_fall_in_its_own_quarter(clinics):
    scottish, swedish = clinics
    assert _applied(scottish) == [["2027 Q1", 1, 1]]
    assert _applied(swedish) == [["2027 Q2", 1, 1]]
    assert [row[:2] for row in dashboard.gp_adoption(scottish).rows] == [["2027 Q1", 1]]
    assert [row[:2] for row in dashboard.gp_adoption(swedish).rows] == [["2027 Q2", 1]]
    region = dashboard.Clinics((scottish.pk, swedish.pk))
    assert _applied(region) == [["2027 Q1", 1, 1], ["2027 Q2", 1, 1]]


def test_the_scottish_week_and_wait_are_its_own(clinics):
    scottish, _swedish = clinics
    table, _stability = dashboard.applications_per_week(scottish, today=dt.date(2027, 4, 2))
    # Wednesday 31 March is in the week of Monday 29 March, where the clinic is.
    assert [row for row in table.rows if row[1]] == [["2027-03-29", 1]]
    wait = dashboard.waits(scottish)[0]
    assert (wait.n, wait.median) == (1, 1)


def test_a_clinic_moved_to_another_zone_is_counted_again(clinics):
    scottish, _swedish = clinics
    Clinic.objects.filter(pk=scottish.pk).update(time_zone="Europe/Stockholm")
    assert _applied(scottish) == [["2027 Q2", 1, 1]]
    assert [row[:2] for row in dashboard.gp_adoption(scottish).rows] == [["2027 Q2", 1]]
    assert dashboard.waits(scottish)[0].median == 0
    kept = _kept()
    counts.rebuild()
    assert _kept() == kept


def test_the_triggers_equal_a_rebuild_across_two_zones(clinics):
    kept = _kept()
    assert {row[1] for row in kept} >= {"applied", "gp", "wait_assessment"}
    counts.rebuild()
    assert _kept() == kept


def test_the_migration_back_counts_in_the_servers_zone(clinics):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "tessera.reports.migrations.0013_dashboard_counts_on_clinic_calendar"
    )

    class Editor:  # the RunPython's schema editor, as far as the migration reads it
        pass

    editor = Editor()
    editor.connection = connection
    scottish, _swedish = clinics
    kept = _kept()
    migration.backwards(apps, editor)
    assert _applied(scottish) == [["2027 Q2", 1, 1]]  # decision 0043's server zone
    migration.forwards(apps, editor)
    assert _kept() == kept
