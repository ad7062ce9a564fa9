"""The waiting list: people accepted for treatment who have not started yet.

Order: urgent first, then by decision time (oldest first). Expected start: the clinic's
recent pace of starts, i.e. the applications of the clinic whose treatment started in
the last ``PACE_WEEKS`` weeks divided by that many weeks (starts per week); the person
at position *p* is expected to start ``ceil(p / pace)`` weeks from today. With no starts
in that time there is no estimate (shown as "not known"). A constant number of queries:
the page, the count, and the pace."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F
from django.utils import timezone

from tessera.treatment.plans import clinic_today

from .models import Application, Status

PACE_WEEKS = 8
PAGE_SIZE = 50


@dataclass
class WaitingRow:
    application: Application
    position: int
    expected_start: dt.date | None


def waiting_queryset(user, clinic):
    return (
        Application.objects.visible_to(user)
        .filter(clinic=clinic, status=Status.WAITING_LIST)
        .select_related("episode", "episode__therapist", "episode__programme_version")
        .order_by("-urgent", F("decided_at").asc(nulls_last=True), "id")
    )


def pace_per_week(clinic) -> float:
    """Starts per week at the clinic in the last PACE_WEEKS weeks (one query)."""
    since = timezone.now() - dt.timedelta(weeks=PACE_WEEKS)
    starts = Application.objects.filter(clinic=clinic, started_at__gte=since).count()
    return starts / PACE_WEEKS


def expected_start(position: int, pace: float, today: dt.date) -> dt.date | None:
    if not pace:
        return None
    return today + dt.timedelta(weeks=math.ceil(position / pace))


def waiting_page(user, clinic, page_number):
    """One page of the clinic's waiting list with positions and expected starts."""
    page = Paginator(waiting_queryset(user, clinic), PAGE_SIZE).get_page(page_number)
    pace = pace_per_week(clinic)
    today = clinic_today(clinic)
    first = page.start_index() if page.paginator.count else 1
    rows = [
        WaitingRow(a, first + i, expected_start(first + i, pace, today))
        for i, a in enumerate(page.object_list)
    ]
    return page, rows, pace


def position_of(application: Application) -> int:
    """The application's place on its clinic's waiting list (1 = next)."""
    waiting = Application.objects.filter(
        clinic_id=application.clinic_id, status=Status.WAITING_LIST
    ).exclude(pk=application.pk)
    if application.urgent:
        ahead = waiting.filter(urgent=True, decided_at__lt=application.decided_at)
    else:
        ahead = waiting.filter(urgent=True) | waiting.filter(
            urgent=False, decided_at__lt=application.decided_at
        )
    return ahead.count() + 1
