"""Quiet hours: when a person does not want to be disturbed, in their own time zone.

``held_until(preference, now)`` answers when a send that would happen ``now`` may go out:
``None`` when it may go now, else the end of the current quiet period. A period that
passes midnight (22:00 to 07:00) is handled, and times are taken in the person's time
zone (their own choice, else their clinic's, else the site's), so DST is respected: an
end that does not exist (02:30 on the spring-forward night) is read after the jump
(03:30), and an end that comes twice (02:30 on the fall-back night) is the next of its
two occurrences after the moment checked (decision 0109).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from tessera.core.models import ClinicRole, Episode


def time_zone_of(user, preference=None) -> zoneinfo.ZoneInfo:
    name = getattr(preference, "time_zone", "") or _clinic_time_zone(user) or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _clinic_time_zone(user) -> str:
    patient = user.patient_record
    if patient is not None:
        episode = Episode.objects.filter(patient=patient).open().select_related("clinic").first()
        return episode.clinic.time_zone if episode else ""
    role = ClinicRole.objects.filter(user=user).select_related("clinic").first()
    return role.clinic.time_zone if role else ""


def held_until(preference, now: dt.datetime | None = None, zone=None) -> dt.datetime | None:
    if preference is None or preference.quiet_from is None or preference.quiet_until is None:
        return None
    start, end = preference.quiet_from, preference.quiet_until
    if start == end:
        return None
    zone = zone or time_zone_of(preference.user, preference)
    now = now or timezone.now()
    local = timezone.localtime(now, zone)
    clock = local.time().replace(tzinfo=None)
    today = local.date()
    if start < end:  # within one day, e.g. 12:00-13:00
        if not start <= clock < end:
            return None
        end_day = today
    else:  # across midnight, e.g. 22:00-07:00
        if end <= clock < start:
            return None
        end_day = today if clock < end else today + dt.timedelta(days=1)
    return _next_end(end_day, end, zone, now)


def _next_end(day: dt.date, end: dt.time, zone, now: dt.datetime) -> dt.datetime:
    """The end of quiet hours, ``end`` on ``day`` in ``zone``, as the first of its
    occurrences after ``now``. A wall time in the hour the clocks go back comes twice
    (``fold`` 0, then 1): in the second 02:10 the first 02:30 has passed and the send is
    held until the second. A wall time in the hour skipped in spring has ``fold`` 1 the
    earlier instant (before the jump): it is not an occurrence, so fold 0 (after) stays."""
    first = dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
    second = dt.datetime.combine(day, end, tzinfo=zone).replace(fold=1).astimezone(dt.UTC)
    if first <= now < second:
        return second
    return first
