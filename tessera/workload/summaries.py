"""Time on one episode: per staff member this week and in total (the overview section and
the episode's time page), and the corrections made by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import JSONField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import JSONObject
from django.utils import timezone

from tessera.core.models import User

from .clock import local_day, week_start
from .models import TimeEntry


@dataclass
class StaffTime:
    name: str
    week_minutes: int
    total_minutes: int


_NAMES = User.objects.filter(pk=OuterRef("user_id")).values(
    person=JSONObject(first="first_name", last="last_name", email="email")
)


class _OncePerGroup(Subquery):
    """A subquery on the grouped columns only, left out of the GROUP BY: the database
    runs it once per group, not once per row grouped."""

    def get_group_by_cols(self):
        return []


def per_staff(episode, *, now: dt.datetime | None = None) -> list[StaffTime]:
    """One query: each staff member's minutes on the episode, this week and in total.

    The staff member's name is read by key for each staff member after the sums (a
    subquery), not joined to every time entry: joined, the planner merge-joined the
    users from the start of their key, a level deeper and more pages as the country's
    staff grow (5 -> 8 pages at 1k -> 100k patients; issue 16, decision 0090)."""
    monday = week_start(local_day(episode.clinic, now or timezone.now()))
    rows = (
        TimeEntry.objects.filter(episode=episode)
        .values("user_id")
        .annotate(
            week=Sum("seconds", filter=Q(day__gte=monday), default=0),
            total=Sum("seconds", default=0),
            person=_OncePerGroup(_NAMES, output_field=JSONField()),
        )
        .order_by("-total", "user_id")
    )
    return [
        StaffTime(
            name=f"{r['person']['first']} {r['person']['last']}".strip() or r["person"]["email"],
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
