"""The clinic's calendar: what day it is where the clinic is (decision 0049).

The server's ``TIME_ZONE`` (Stockholm) is not the clinic's: a Scottish clinic is an hour
behind, so between 23:00 and 24:00 UTC ``timezone.localdate()`` is already the clinic's
tomorrow. Every date a clinic or its patients read (a letter's date, a module opening,
a report's period) comes from here instead.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone


def clinic_today(clinic) -> dt.date:
    """Today where the clinic is (its own midnight, DST-correct)."""
    return clinic_date(clinic, timezone.now())


def clinic_date(clinic, moment: dt.datetime) -> dt.date:
    """The clinic's calendar day at an aware moment."""
    return zone_date(clinic.time_zone, moment)


def zone_date(time_zone: str, moment: dt.datetime) -> dt.date:
    """``clinic_date`` where only the clinic's ``time_zone`` was read (bulk reads)."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(time_zone)).date()


def near_every_clinic(moment: dt.datetime) -> dt.date:
    """``moment``'s day in UTC, whatever zone it is given in: within a day of its date at
    every clinic (zones run from UTC-12 to UTC+14), so a window of a day either side of it
    holds each clinic's own day (``StaffLeave.objects.around``). A moment's own zone's
    day is not: one given in UTC+14 may be two days from a clinic's in UTC-11."""
    return moment.astimezone(dt.UTC).date()


def today_at(clinics) -> dt.date:
    """Today at several clinics read together (a region's report): the earliest of
    their dates, so that a period ending "today" has not ended yet at any of them."""
    return min(clinic_today(clinic) for clinic in clinics)
