"""A quarterly report is kept as HTML and read by the clinic: its "Built" time is the
clinic's (decision 0121), not the zone of whoever built it. The task builds in the
server's zone (Stockholm): a Scottish clinic's report built at 23:30 on New Year's Eve
said 00:30 on New Year's Day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.utils import timezone, translation
from django.utils.formats import date_format

from tessera.core.models import Clinic
from tessera.reports.actions import do_build_quarterly_report

LONDON = zoneinfo.ZoneInfo("Europe/London")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def test_the_report_says_when_it_was_built_on_the_clinics_clock(world):
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    clinic = Clinic.objects.get(pk=world.clinic.pk)
    built = dt.datetime(2026, 12, 31, 23, 30, tzinfo=LONDON)
    for zone in ("Europe/Stockholm", "UTC"):  # the task's zone, another reader's
        with time_machine.travel(built, tick=False), timezone.override(zone):
            report = do_build_quarterly_report(clinic, dt.date(2026, 10, 1))
        with translation.override(report.language):
            here = date_format(built, "SHORT_DATETIME_FORMAT")
            there = date_format(built.astimezone(STOCKHOLM), "SHORT_DATETIME_FORMAT")
        assert here in report.html and there not in report.html
