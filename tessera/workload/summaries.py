"""Time on one episode: per staff member this week and in total (the overview section and
the episode's time page), and the corrections made by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from .clock import local_day, week_start
from .models import TimeEntry


@dataclass
class StaffTime:
    name: str
    week_minutes: int
    total_minutes: int


def per_staff(episode, *, now: dt.datetime | None = None) -> list[StaffTime]:
    """One query: each staff member's minutes on the episode, this week and in total."""
    monday = week_start(local_day(episode.clinic, now or timezone.now()))
    rows = (
        TimeEntry.objects.filter(episode=episode)
        .values("user_id", "user__first_name", "user__last_name", "user__email")
        .annotate(
            week=Sum("seconds", filter=Q(day__gte=monday), default=0),
            total=Sum("seconds", default=0),
        )
        .order_by("-total", "user_id")
    )
    return [
        StaffTime(
            name=f"{r['user__first_name']} {r['user__last_name']}".strip() or r["user__email"],
            week_minutes=round(r["week"] / 60),
            total_minutes=round(r["total"] / 60),
        )
        for r in rows
    ]


def corrections(episode):
    """Time added or taken away by hand on the episode, newest first."""
    return (
        TimeEntry.objects.filter(episode=episode, source=TimeEntry.Source.MANUAL)
        .select_related("user", "created_by")
        .order_by("-created_at", "-id")
    )
