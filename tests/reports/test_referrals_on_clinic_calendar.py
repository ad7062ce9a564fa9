"""Referrals are counted on each clinic's own calendar, not the active time zone's
(decision 0109, left from its runs; decision 0049): a Scottish clinic's referral sent
at 23:30 on the last day of a quarter is 00:30 the next day in Stockholm, and belongs to
the quarter it was sent in where the clinic is, whoever builds the report where."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.utils import timezone

from tessera.core.models import Clinic
from tessera.intake.models import Application
from tessera.reports import figures
from tessera.reports.models import EpisodeOutcome
from tests.intake.intake_helpers import make_application

LONDON = zoneinfo.ZoneInfo("Europe/London")
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
Q1 = (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
Q2 = (dt.date(2027, 4, 1), dt.date(2027, 6, 30))


def _referred(report) -> int:
    return {c.key: c.value for c in report.counts}["referred"]


def test_each_clinics_referrals_fall_in_its_own_quarter(world):
    Clinic.objects.filter(pk=world.other_clinic.pk).update(time_zone="Europe/London")
    scottish = Clinic.objects.get(pk=world.other_clinic.pk)
    swedish = Clinic.objects.get(pk=world.clinic.pk)
    sent = {
        # 23:30 in Scotland on 31 March: 00:30 on 1 April in Stockholm.
        "scot@apply.test": (scottish, dt.datetime(2027, 3, 31, 23, 30, tzinfo=LONDON)),
        "late@apply.test": (swedish, dt.datetime(2027, 3, 31, 23, 30, tzinfo=STOCKHOLM)),
        # 00:30 on 1 April in Stockholm: still 31 March in UTC.
        "early@apply.test": (swedish, dt.datetime(2027, 4, 1, 0, 30, tzinfo=STOCKHOLM)),
    }
    with time_machine.travel(dt.datetime(2027, 4, 2, 10, 0, tzinfo=STOCKHOLM), tick=False):
        for email, (clinic, moment) in sent.items():
            made = make_application(clinic, email)
            Application.objects.filter(pk=made.pk).update(submitted_at=moment)  # test data
        none = EpisodeOutcome.objects.none()
        for zone in ("Europe/Stockholm", "Europe/London"):  # where the report is built
            with timezone.override(zone):
                assert (
                    _referred(
                        figures.outcome_report(none, clinics=[scottish], start=Q1[0], end=Q1[1])
                    )
                    == 1
                )
                assert (
                    _referred(
                        figures.outcome_report(none, clinics=[scottish], start=Q2[0], end=Q2[1])
                    )
                    == 0
                )
                assert (
                    _referred(
                        figures.outcome_report(none, clinics=[swedish], start=Q1[0], end=Q1[1])
                    )
                    == 1
                )
                assert (
                    _referred(
                        figures.outcome_report(none, clinics=[swedish], start=Q2[0], end=Q2[1])
                    )
                    == 1
                )
                region = figures.by_clinic(none, *Q1, suppress=False, clinics=[swedish, scottish])
                assert {pk: _referred(r) for pk, r in region.items()} == {
                    swedish.pk: 1,
                    scottish.pk: 1,
                }
