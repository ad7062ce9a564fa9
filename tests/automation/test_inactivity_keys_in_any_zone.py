"""A stretch of inactivity is named by one fixed zone's day in the sweep's idempotency
keys (decision 0121), whatever zone is active where the sweep runs: a Scottish patient
last active at 23:30 (00:30 the next day in Stockholm) gets one inactivity message and
one reminder, not one per zone the sweep happened to run in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.utils import timezone

from tessera.automation.models import AutomatedSend
from tessera.automation.sweep import run_automation
from tessera.core.models import Clinic
from tessera.notifications.models import Notification
from tests.automation.conftest import START, at

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_one_stretch_of_inactivity_is_one_message_in_any_active_zone(unguided, world):
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    first = unguided.entries[0]
    day = START + dt.timedelta(days=1)
    first.started_at = dt.datetime(day.year, day.month, day.day, 23, 30, tzinfo=LONDON)
    first.save(update_fields=["started_at"])
    later = START + dt.timedelta(days=9)
    with time_machine.travel(at(later, 10), tick=False):
        run_automation()
    for zone in ("Europe/London", "UTC"):  # a shell or a request with its reader's zone
        with time_machine.travel(at(later, 11), tick=False), timezone.override(zone):
            run_automation()
    episode = unguided.episode
    inactive = AutomatedSend.objects.filter(episode=episode, point__startswith="inactive")
    assert [row.point for row in inactive] == [f"inactive:{day + dt.timedelta(days=1)}"]
    reminders = Notification.objects.filter(
        recipient=unguided.patient.user, kind="reminder_inactive"
    )
    assert reminders.count() == 1
