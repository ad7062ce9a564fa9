"""Time on the platform: heartbeat, measured and manual time entries (audited)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, submissions

from ..clock import local_day
from ..models import TimeEntry
from ..signals import time_recorded

BEAT_SECONDS = 30  # the browser sends a heartbeat this often while the page is in use
MAX_CREDIT = 60  # never more than this for one heartbeat
MAX_GAP = 90  # a longer gap since the previous heartbeat is a pause: nothing is added
MAX_MANUAL_MINUTES = 12 * 60  # one correction adds or takes away at most half a day


@transaction.atomic
def do_heartbeat(episode, *, acting_user, now: dt.datetime | None = None) -> int:
    """Add the time since the user's previous heartbeat on this episode to today's active
    row, and return the seconds added.

    The interval is measured on the server, from one heartbeat to the next, whichever tab
    sent them: two tabs on the same episode share one clock and count the time once. An
    interval longer than MAX_GAP is a pause and adds nothing; a shorter one adds at most
    MAX_CREDIT. The caller has checked that the user may see the episode.
    """
    now = now or timezone.now()
    day = local_day(episode.clinic, now)
    latest = _latest_active(acting_user, episode, day)
    if latest is not None and latest.day == day:
        return _advance(latest, now)
    credit = _credit(latest, now)
    try:
        with transaction.atomic():
            TimeEntry.objects.create(
                user=acting_user,
                episode=episode,
                day=day,
                seconds=credit,
                source=TimeEntry.Source.ACTIVE,
                last_beat_at=now,
                created_by=acting_user,
            )
    except IntegrityError:  # another tab created today's row a moment ago
        return _advance(_latest_active(acting_user, episode, day), now)
    _recorded(episode.pk, credit)
    audit.record(
        "time.tracking_started",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=episode,
        purpose="care",
        changes={"day": day.isoformat()},
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
    )
    return credit


@transaction.atomic
def do_add_measured_time(episode, *, user, day: dt.date, seconds: int) -> TimeEntry | None:
    """Record measured time for a whole day at once (the demo, and imports from another
    system). A day that already has measured time is left as it is; returns None then."""
    if seconds < 0:
        raise ValidationError({"seconds": _("Measured time cannot be negative.")})
    entry, created = TimeEntry.objects.get_or_create(
        user=user,
        episode=episode,
        day=day,
        source=TimeEntry.Source.ACTIVE,
        defaults={"seconds": seconds, "created_by": user},
    )
    if not created:
        return None
    _recorded(episode.pk, seconds)
    audit.record(
        "time.tracking_started",
        actor=user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=episode,
        purpose="care",
        changes={"day": day.isoformat(), "imported": True},
        actor_role=access.actor_role_label(user, episode.clinic_id),
    )
    return entry


def _latest_active(user, episode, day: dt.date) -> TimeEntry | None:
    """The user's newest active row on the episode from today or yesterday, locked."""
    return (
        TimeEntry.objects.select_for_update(no_key=True)
        .filter(user=user, episode=episode, source=TimeEntry.Source.ACTIVE)
        .filter(day__gte=day - dt.timedelta(days=1), day__lte=day)
        .order_by("-day")
        .first()
    )


def _credit(row: TimeEntry | None, now: dt.datetime) -> int:
    if row is None or row.last_beat_at is None:
        return 0
    gap = (now - row.last_beat_at).total_seconds()
    if gap <= 0 or gap > MAX_GAP:
        return 0
    return round(min(gap, MAX_CREDIT))


def _advance(row: TimeEntry, now: dt.datetime) -> int:
    credit = _credit(row, now)
    if row.last_beat_at is not None and now <= row.last_beat_at:
        return 0  # a heartbeat that arrives late never moves the clock back
    TimeEntry.objects.filter(pk=row.pk).update(
        seconds=F("seconds") + credit, last_beat_at=now, updated_at=timezone.now()
    )
    _recorded(row.episode_id, credit)
    return credit


def _recorded(episode_id: int, seconds: int) -> None:
    """Tell the listeners (the reports' outcome row) that the episode's time changed."""
    if seconds:
        time_recorded.send(sender=TimeEntry, episode_id=episode_id, seconds=seconds)


@transaction.atomic
def do_add_manual_time(
    episode,
    *,
    acting_user,
    staff_member,
    day: dt.date,
    minutes: int,
    reason: str,
    submission_key: uuid.UUID | None = None,
) -> TimeEntry:
    """Add time to (or, with negative minutes, take time from) a staff member's day on an
    episode, as a row of its own with the reason. Measured rows are never changed."""
    if submission_key is not None:
        done = TimeEntry.objects.filter(submission_key=submission_key).first()
        if done is not None:
            return done
    if not access.may_correct_time(acting_user, episode, staff_member):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the time is added or corrected.")
    if not minutes or abs(minutes) > MAX_MANUAL_MINUTES:
        errors["minutes"] = _("Enter minutes between -720 and 720, not 0.")
    if day > local_day(episode.clinic, timezone.now()):
        errors["day"] = _("The day cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    rows = TimeEntry.objects.select_for_update(no_key=True).filter(
        user=staff_member, episode=episode, day=day
    )
    recorded = sum(row.seconds for row in rows)  # locks the day's rows while we decide
    # Back and the same correction sent again (a fresh page, a new key): the row it made
    # (decision 0070); the day's rows locked above serialise two at once.
    again = (
        rows.filter(
            source=TimeEntry.Source.MANUAL,
            created_by=acting_user,
            seconds=minutes * 60,
            reason=reason,
            created_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if again is not None:
        again.sent_before = True
        return again
    if recorded + minutes * 60 < 0:
        raise ValidationError(
            {"minutes": _("That would take away more time than was recorded on that day.")}
        )
    entry = TimeEntry.objects.create(
        user=staff_member,
        episode=episode,
        day=day,
        seconds=minutes * 60,
        source=TimeEntry.Source.MANUAL,
        reason=reason,
        created_by=acting_user,
        submission_key=submission_key,
    )
    _recorded(episode.pk, entry.seconds)
    audit.record(
        "time.corrected",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=entry,
        purpose="care" if staff_member.pk == acting_user.pk else "administration",
        changes={"staff": staff_member.pk, "day": day.isoformat(), "minutes": minutes},
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
    )
    return entry
