"""Workload figures per therapist and ISO week, in the clinic's own time zone.

For each therapist of a clinic and each week:

- caseload: the therapist's episodes at the clinic open at some time in the week
  (created, or treatment started if that was earlier, on or before its last day, not
  ended before its first day; the current therapist is counted throughout; practice
  patients, ``Patient.is_training``, never count), against ``ClinicRole.max_caseload``;
- minutes per patient: the time recorded on those episodes that week divided by the
  caseload, and how many of those patients got no time at all. Routine care spends
  10–20 minutes per patient per week (CLINICAL.md §4);
- share of the working week spent online: all minutes the therapist recorded on the
  clinic's episodes that week over their weekly hours (``ClinicRole.weekly_hours``, or the
  clinic's opening hours times its working days when empty), with a warning above
  ``Clinic.icbt_share_limit`` (managers worry above about half, issue 6 §6);
- reply times: for the patients' messages and the worksheets sent for feedback that
  arrived in the week, the median working time to the reply and how many were answered
  within the clinic's target (``response_target_hours`` working hours). An item still
  waiting counts as late once its deadline has passed; until then it is left out.

Every figure is computed for all therapists and weeks asked for in five queries,
whatever the size of the caseloads.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from tessera.core import access
from tessera.core.models import ClinicRole, Episode
from tessera.core.models.episodes import training_patient_ids
from tessera.core.working_time import working_seconds
from tessera.messaging.models import Message
from tessera.treatment.models import WorksheetAnswer

from .clock import local_day, local_midnight, opening_minutes_per_week, recent_weeks, week_start
from .models import TimeEntry

WEEKS = 9  # this week and the eight before it


@dataclass
class Replies:
    """Reply times of one kind of item (messages or worksheets) in one week."""

    answered_seconds: list[int] = field(default_factory=list)
    within_target: int = 0
    late_waiting: int = 0

    @property
    def decided(self) -> int:
        return len(self.answered_seconds) + self.late_waiting

    @property
    def median_hours(self) -> float | None:
        if not self.answered_seconds:
            return None
        return round(statistics.median(self.answered_seconds) / 3600, 1)

    @property
    def share_within(self) -> int | None:
        if not self.decided:
            return None
        return round(100 * self.within_target / self.decided)


@dataclass
class Week:
    monday: dt.date
    caseload: int = 0
    max_caseload: int | None = None
    caseload_seconds: int = 0
    all_seconds: int = 0
    patients_without_time: int = 0
    available_minutes: int = 0
    share_limit: int = 50
    messages: Replies = field(default_factory=Replies)
    worksheets: Replies = field(default_factory=Replies)

    @property
    def iso(self) -> str:
        year, week, _day = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def minutes(self) -> int:
        return round(self.all_seconds / 60)

    @property
    def minutes_per_patient(self) -> float | None:
        if not self.caseload:
            return None
        return round(self.caseload_seconds / 60 / self.caseload, 1)

    @property
    def share(self) -> float:
        """Per cent of the working week, rounded for display."""
        return round(self._share(), 1)

    @property
    def over_share(self) -> bool:
        return self._share() > self.share_limit

    def _share(self) -> float:
        if not self.available_minutes:
            return 0.0
        return 100 * self.all_seconds / 60 / self.available_minutes

    @property
    def over_caseload(self) -> bool:
        return self.max_caseload is not None and self.caseload > self.max_caseload


@dataclass
class TherapistWorkload:
    therapist: object
    clinic: object
    weeks: list[Week]  # newest first

    @property
    def current(self) -> Week:
        return self.weeks[0]


def clinic_workload(
    clinic, *, therapist_ids=None, weeks: int = WEEKS, now: dt.datetime | None = None
) -> list[TherapistWorkload]:
    """Figures for the clinic's therapists (or those of ``therapist_ids``), newest week
    first. Five queries in all."""
    now = now or timezone.now()
    mondays = recent_weeks(clinic, now, weeks)
    first, last = mondays[-1], mondays[0] + dt.timedelta(days=6)
    start, end = local_midnight(clinic, first), local_midnight(clinic, last + dt.timedelta(1))
    roles = access.therapist_roles([clinic.pk]).select_related("user")
    if therapist_ids is not None:
        roles = roles.filter(user_id__in=list(therapist_ids))
    roles = list(roles.order_by("user__last_name", "user__first_name", "user_id"))
    ids = [r.user_id for r in roles]
    table = {r.user_id: {m: _empty_week(clinic, r, m) for m in mondays} for r in roles}
    open_in = _caseloads(clinic, ids, first, last, mondays)
    _add_time(clinic, ids, first, last, open_in, table)
    _add_replies(clinic, ids, start, end, now, table)
    return [
        TherapistWorkload(r.user, clinic, [table[r.user_id][m] for m in mondays]) for r in roles
    ]


def _empty_week(clinic, role: ClinicRole, monday: dt.date) -> Week:
    if role.weekly_hours is not None:
        available = int(role.weekly_hours * 60)
    else:
        available = opening_minutes_per_week(clinic)
    return Week(
        monday=monday,
        max_caseload=role.max_caseload,
        available_minutes=available,
        share_limit=clinic.icbt_share_limit,
    )


def _scope(clinic, ids, prefix: str = "") -> Q:
    """The clinic's real (not practice) episodes of these therapists. Training patients
    are left out by their short list (as ``Episode.objects.real()``), not by a join on
    every patient."""
    return Q(**{f"{prefix}clinic": clinic, f"{prefix}therapist_id__in": ids}) & ~Q(
        **{f"{prefix}patient_id__in": training_patient_ids()}
    )


def _caseloads(clinic, ids, first, last, mondays) -> dict:
    """{(therapist, monday): set of episode ids open in that week} (one query)."""
    episodes = (
        Episode.objects.filter(_scope(clinic, ids))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .exclude(status=Episode.Status.ENDED, ended_on__isnull=True)
        .values_list("pk", "therapist_id", "created_at", "started_on", "ended_on")
    )
    open_in: dict = defaultdict(set)
    for pk, therapist, created_at, started_on, ended_on in episodes:
        opened = local_day(clinic, created_at)
        if started_on is not None and started_on < opened:
            opened = started_on  # entered afterwards with an earlier start
        for monday in mondays:
            sunday = monday + dt.timedelta(days=6)
            if opened <= sunday and (ended_on is None or ended_on >= monday):
                open_in[therapist, monday].add(pk)
    return open_in


def _add_time(clinic, ids, first, last, open_in, table) -> None:
    rows = (
        TimeEntry.objects.filter(
            ~Q(episode__patient_id__in=training_patient_ids()),
            user_id__in=ids,
            episode__clinic=clinic,
            day__gte=first,
            day__lte=last,
        )
        .values("user_id", "episode_id", "day")
        .annotate(total=Sum("seconds"))
        .order_by()
    )
    per_episode: dict = defaultdict(int)
    for row in rows:
        per_episode[row["user_id"], week_start(row["day"]), row["episode_id"]] += row["total"]
    for (user, monday, episode), seconds in per_episode.items():
        week = table[user][monday]
        week.all_seconds += seconds
        if episode in open_in.get((user, monday), ()):
            week.caseload_seconds += seconds
    for user, weeks in table.items():
        for monday, week in weeks.items():
            caseload = open_in.get((user, monday), set())
            week.caseload = len(caseload)
            week.patients_without_time = sum(
                1 for e in caseload if per_episode.get((user, monday, e), 0) <= 0
            )


def _add_replies(clinic, ids, start, end, now, table) -> None:
    target = clinic.response_target_hours * 3600
    messages = Message.objects.filter(
        _scope(clinic, ids, "episode__"),
        from_patient=True,
        is_automated=False,
        sent_at__gte=start,
        sent_at__lt=end,
    ).values_list("episode__therapist_id", "sent_at", "answered_at")
    worksheets = WorksheetAnswer.objects.filter(
        _scope(clinic, ids, "entry__episode__"),
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).values_list("entry__episode__therapist_id", "submitted_at", "feedback_at")
    for kind, items in (("messages", messages), ("worksheets", worksheets)):
        for therapist, arrived, answered in items:
            week = table[therapist][week_start(local_day(clinic, arrived))]
            _count(getattr(week, kind), clinic, arrived, answered, now, target)


def _count(replies: Replies, clinic, arrived, answered, now, target: int) -> None:
    if answered is not None:
        seconds = working_seconds(clinic, arrived, answered)
        replies.answered_seconds.append(seconds)
        replies.within_target += seconds <= target
    elif working_seconds(clinic, arrived, now) > target:
        replies.late_waiting += 1
