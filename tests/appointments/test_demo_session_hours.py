"""The demo's sessions fall in working hours in the clinic's own calendar, whatever the
hour `make demo` is run (decision 0157's follow-up): seeded after midnight, the blended
clinic's patient was shown a video session "woensdag 16 december, 01:00", and her
face-to-face session had been at one in the morning."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from tessera.appointments.demo import clinic_hour
from tessera.appointments.models import Appointment
from tessera.core.models import Clinic


def test_a_demo_session_is_at_its_hour_in_the_clinics_calendar_at_any_time(db):
    clinic = Clinic(time_zone="Europe/Amsterdam")
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    for now in ("2026-12-08T00:15:00+00:00", "2026-12-07T23:30:00+00:00"):
        with time_machine.travel(dt.datetime.fromisoformat(now), tick=False):
            coming = clinic_hour(clinic, 8, 9).astimezone(zone)
            today = dt.datetime.fromisoformat(now).astimezone(zone).date()
        assert (coming.date(), coming.hour, coming.minute) == (
            today + dt.timedelta(days=8),
            9,
            0,
        )


def test_the_seeded_sessions_are_in_working_hours(seeded_demo):
    hours = {}
    for appointment in Appointment.objects.select_related("episode__clinic", "episode__patient"):
        clinic = appointment.episode.clinic
        local = appointment.starts_at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone))
        assert 7 <= local.hour < 18, (appointment.pk, local)
        hours.setdefault(appointment.episode.patient.first_name, []).append(local.hour)
    # The blended clinic's patient: face to face at 10, the video session at 9 (she asks
    # for an afternoon); the leaver's patient's video session at 11: the demo's own hours,
    # not the hour it was seeded.
    assert sorted(hours["Lisa"]) == [9, 10]
    assert hours["Anton"] == [11]
