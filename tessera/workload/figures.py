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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Sum
from django.utils import timezone

from tessera.core import access
from tessera.core.models import ClinicRole, Episode
from tessera.core.models.episodes import training_patient_ids
from tessera.core.prepared import Prepared
from tessera.core.working_time import working_seconds
from tessera.messaging.models import Message
from tessera.treatment.models import WorksheetAnswer

from .clock import local_day, local_midnight, opening_minutes_per_week, recent_weeks, week_start
from .models import TimeEntry

WEEKS = 9  # this week and the eight before it

# The reading's five queries compiled once (``core.prepared``, decision 0044): built
# and compiled on every request they were a fifth of the region's dashboard's CPU, the
# same SQL but for the clinics, therapists and dates (issue 16). Keys of other tables by
# ``clinic__id`` and ``user__id``: the same SQL as ``clinic_id``, and they take the
# placeholders (a foreign key's own ``__in`` asks for numbers).
_ROLES = Prepared(
    lambda clinic_ids: access.therapist_roles(clinic_ids).order_by(
        "user_last_name", "user_first_name", "user_id"
    )
)
_ROLES_OF = Prepared(
    lambda clinic_ids, user_ids: (
        access.therapist_roles(clinic_ids)
        .filter(user__id__in=user_ids)
        .order_by("user_last_name", "user_first_name", "user_id")
    )
)


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


def therapists_by_name(clinic) -> list[ClinicRole]:
    """The clinic's therapist roles, each with its user, in the order of their names
    (one query): the clinic's range of the roles, sorted by the database on the role's
    copy of the user's name (core 0023), each user made from that copy (the other fields
    deferred). Read from the user table, the names cost one descent of its index per
    therapist, a level deeper as the country's staff grew (decisions 0058, 0064)."""
    roles = list(
        access.therapist_roles([clinic.pk]).order_by("user_last_name", "user_first_name", "user_id")
    )
    for role in roles:
        role.user = ClinicRole.kept_user(role._state.db, [getattr(role, f) for f in role.KEPT_USER])
    return roles


def clinic_workload(
    clinic,
    *,
    therapist_ids=None,
    roles=None,
    weeks: int = WEEKS,
    now: dt.datetime | None = None,
    caseloads: bool = True,
) -> list[TherapistWorkload]:
    """Figures for the clinic's therapists (or those of ``therapist_ids``, or the
    therapist ``roles`` already read with their users, in their order), newest week
    first. Five queries in all, four when given the roles."""
    return clinics_workload(
        [clinic],
        therapist_ids=therapist_ids,
        roles=roles,
        weeks=weeks,
        now=now,
        caseloads=caseloads,
    )[clinic.pk]


@dataclass
class _Place:
    """One clinic's part of a reading: its therapists, weeks (in its own time zone) and
    the table of their figures."""

    clinic: object
    roles: list
    mondays: list[dt.date]
    table: dict = field(default_factory=dict)
    open_in: dict = field(default_factory=lambda: defaultdict(set))

    # Worked out once per reading: the reply rows ask for the start and end of every
    # row's place, and each was a time zone conversion.
    @cached_property
    def ids(self) -> set[int]:
        return {r.user_id for r in self.roles}

    @cached_property
    def first(self) -> dt.date:
        return self.mondays[-1]

    @cached_property
    def last(self) -> dt.date:
        return self.mondays[0] + dt.timedelta(days=6)

    @cached_property
    def start(self) -> dt.datetime:
        return local_midnight(self.clinic, self.first)

    @cached_property
    def end(self) -> dt.datetime:
        return local_midnight(self.clinic, self.last + dt.timedelta(1))

    @cached_property
    def ascending(self) -> list[dt.date]:
        return sorted(self.mondays)


def clinics_workload(
    clinics,
    *,
    therapist_ids=None,
    roles=None,
    weeks: int = WEEKS,
    now: dt.datetime | None = None,
    caseloads: bool = True,
) -> dict[int, list[TherapistWorkload]]:
    """{clinic id: its therapists' figures} for several clinics (a region's dashboard)
    in the same five queries as one clinic's, whatever the number of clinics: each
    query reads all of them, and each row is counted in its own clinic's weeks.

    roles: the therapist roles (``ClinicRole`` with its user) to show, in order, when
    the caller has read them already (the team page's page of therapists): one query
    fewer, and the users are not looked up twice.

    caseloads: False when only the time recorded and the reply times are wanted (the
    implementation dashboard's): each week's caseload, minutes per patient and patients
    without time are then left at 0, not worked out for every episode and week (the
    same queries; issue 16: a third of the region's dashboard's CPU was this reading)."""
    now = now or timezone.now()
    clinics = list(clinics)
    if roles is None:
        # Each user made from the role's copy (as ``therapists_by_name``): joined, the
        # planner hashed every user of the country for the dashboard (issue 16).
        clinic_ids = [c.pk for c in clinics]
        if therapist_ids is None:
            roles = _ROLES(clinic_ids)
        else:
            roles = _ROLES_OF(clinic_ids, list(therapist_ids))
        for role in roles:
            role.user = ClinicRole.kept_user(
                role._state.db, [getattr(role, f) for f in role.KEPT_USER]
            )
    by_clinic: dict[int, list] = defaultdict(list)
    for role in roles:
        by_clinic[role.clinic_id].append(role)
    places = {
        c.pk: _Place(c, by_clinic.get(c.pk, []), recent_weeks(c, now, weeks)) for c in clinics
    }
    for place in places.values():
        opening = opening_minutes_per_week(place.clinic)
        place.table = {
            r.user_id: _empty_weeks(place.clinic, r, place.mondays, opening) for r in place.roles
        }
    if places:
        owners = _caseloads(places) if caseloads else _owners(places)
        _add_time(places, owners, caseloads=caseloads)
        _add_replies(places, owners, now)
    return {
        pk: [
            TherapistWorkload(
                r.user, place.clinic, [place.table[r.user_id][m] for m in place.mondays]
            )
            for r in place.roles
        ]
        for pk, place in places.items()
    }


def _empty_weeks(clinic, role: ClinicRole, mondays, opening: int) -> dict[dt.date, Week]:
    """The role's weeks with nothing counted yet; ``opening``: the clinic's opening
    minutes per week (worked out once per clinic, not once per week of each role)."""
    available = int(role.weekly_hours * 60) if role.weekly_hours is not None else opening
    return {
        monday: Week(
            monday=monday,
            max_caseload=role.max_caseload,
            available_minutes=available,
            share_limit=clinic.icbt_share_limit,
        )
        for monday in mondays
    }


def _real_episodes(*columns: str):
    """The read of these columns of the clinics' real episodes (not practice ones)."""
    return Prepared(
        lambda clinic_ids: (
            Episode.objects.filter(clinic__id__in=clinic_ids)
            .exclude(patient_id__in=training_patient_ids())
            .values_list(*columns)
            .order_by()
        )
    )


_EPISODES = _real_episodes(
    "pk", "clinic_id", "therapist_id", "created_at", "started_on", "ended_on", "status"
)
_OWNERS = _real_episodes("pk", "clinic_id", "therapist_id")


def _caseloads(places: dict) -> dict[int, tuple[int, int | None]]:
    """Each place's {(therapist, monday): set of episode ids open in that week} (one
    query); returns {episode id: (its clinic, its therapist)} for all the clinics' real
    episodes, ended ones too, for the reply times to be counted without a join.

    The clinics' real episodes are one range of the clinic's index; the therapists, the
    weeks and the episodes' state are picked here, not by the query (as ``therapist_id IN
    (…)`` the planner added one descent of the therapist index per therapist, a level
    deeper as the country grows: decisions 0058, 0079)."""
    first = min(place.first for place in places.values())
    episodes = _EPISODES(list(places))
    owners: dict[int, tuple[int, int | None]] = {}
    for pk, clinic_id, therapist, created_at, started_on, ended_on, status in episodes:
        owners[pk] = clinic_id, therapist
        place = places[clinic_id]
        if therapist not in place.table or (ended_on is not None and ended_on < first):
            continue
        if ended_on is None and status == Episode.Status.ENDED:
            continue
        opened = local_day(place.clinic, created_at)
        if started_on is not None and started_on < opened:
            opened = started_on  # entered afterwards with an earlier start
        # Open in the weeks whose Sunday is on or after the day it opened and whose
        # Monday is on or before the day it ended: a slice of the ordered Mondays.
        mondays = place.ascending
        since = bisect_left(mondays, opened - dt.timedelta(days=6))
        until = len(mondays) if ended_on is None else bisect_right(mondays, ended_on)
        for monday in mondays[since:until]:
            place.open_in[therapist, monday].add(pk)
    return owners


def _owners(places: dict) -> dict[int, tuple[int, int | None]]:
    """{episode id: (its clinic, its therapist)} of the clinics' real episodes, ended
    ones too: ``_caseloads``'s answer without the caseloads (the same query, its other
    columns not read)."""
    return {pk: (clinic_id, therapist) for pk, clinic_id, therapist in _OWNERS(list(places))}


_TIME = Prepared(
    lambda user_ids, first, last: (
        TimeEntry.objects.filter(
            user__id__in=user_ids, episode__isnull=False, day__gte=first, day__lte=last
        )
        .values_list("user_id", "episode_id", "day")
        .annotate(total=Sum("seconds"))
        .order_by()
    )
)


def _add_time(places: dict, owners: dict, *, caseloads: bool = True) -> None:
    """The time entries of the places' therapists in their weeks, each counted in the
    clinic of its episode as read for the caseloads (``owners``: the clinics' real
    episodes), not joined: joined, PostgreSQL read the clinic's whole range of episodes
    to hash it for the week's few entries (9 pages at 1M patients, 5 at 1k; issue 16).
    An entry on another clinic's, a training patient's or no episode is not in
    ``owners`` and is left out, as the join left it out."""
    ids = set().union(*(place.ids for place in places.values()))
    entries = _TIME(
        sorted(ids),
        min(place.first for place in places.values()),
        max(place.last for place in places.values()),
    )
    per_episode: dict = defaultdict(int)
    for user_id, episode_id, day, total in entries:
        if episode_id not in owners:
            continue
        place = places[owners[episode_id][0]]
        if user_id not in place.table or not place.first <= day <= place.last:
            continue
        per_episode[place.clinic.pk, user_id, week_start(day), episode_id] += total
    for (clinic_id, user, monday, episode), seconds in per_episode.items():
        place = places[clinic_id]
        week = place.table[user][monday]
        week.all_seconds += seconds
        if episode in place.open_in.get((user, monday), ()):
            week.caseload_seconds += seconds
    if not caseloads:
        return
    for clinic_id, place in places.items():
        for user, weeks in place.table.items():
            for monday, week in weeks.items():
                caseload = place.open_in.get((user, monday), set())
                week.caseload = len(caseload)
                week.patients_without_time = sum(
                    1 for e in caseload if per_episode.get((clinic_id, user, monday, e), 0) <= 0
                )


_MESSAGES = Prepared(
    lambda clinic_ids, start, end: (
        Message.objects.filter(
            clinic__id__in=clinic_ids,
            from_patient=True,
            is_automated=False,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .values_list("clinic_id", "episode_id", "sent_at", "answered_at")
        .order_by()
    )
)
_WORKSHEETS = Prepared(
    lambda clinic_ids, start, end: (
        WorksheetAnswer.objects.filter(
            clinic__id__in=clinic_ids, submitted_at__gte=start, submitted_at__lt=end
        )
        .values_list("clinic_id", "entry__episode_id", "submitted_at", "feedback_at")
        .order_by()
    )
)


def _add_replies(places: dict, owners: dict, now) -> None:
    """The reply times. The clinics' messages from patients are one range of the
    message's own copy of its episode's clinic (``message_from_patient_by_clinic``,
    decision 0058), the worksheets sent one range of the answer's (``worksheet_sent_by_
    clinic``, decision 0064); each row's episode is looked up in ``owners`` (the clinics'
    real episodes, read for the caseloads), not joined: joined, the planner read the
    episodes by one descent of the therapist index per therapist, or of the episode's
    key per row, more pages as the country grows (decision 0079). An episode not in
    ``owners`` is a practice patient's or another clinic's, and is left out as before."""
    start = min(place.start for place in places.values())
    end = max(place.end for place in places.values())
    messages = _MESSAGES(list(places), start, end)
    worksheets = _WORKSHEETS(list(places), start, end)
    for kind, items in (("messages", messages), ("worksheets", worksheets)):
        for copied_clinic, episode, arrived, answered in items:
            if episode not in owners:
                continue
            clinic_id, therapist = owners[episode]
            if kind == "messages":
                clinic_id = copied_clinic  # (as before: the message's copy of it)
            place = places[clinic_id]
            if therapist not in place.table or not place.start <= arrived < place.end:
                continue
            week = place.table[therapist][week_start(local_day(place.clinic, arrived))]
            target = place.clinic.response_target_hours * 3600
            _count(getattr(week, kind), place.clinic, arrived, answered, now, target)


def _count(replies: Replies, clinic, arrived, answered, now, target: int) -> None:
    if answered is not None:
        seconds = working_seconds(clinic, arrived, answered)
        replies.answered_seconds.append(seconds)
        replies.within_target += seconds <= target
    elif working_seconds(clinic, arrived, now) > target:
        replies.late_waiting += 1
