"""When each module of a plan opens, by the programme's unlock rule (no writes here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tessera.core import access, clinic_dates
from tessera.core.models import Episode
from tessera.core.prepared import Prepared

from .models import PlanEntry


@dataclass(frozen=True)
class EntryState:
    entry: object
    is_open: bool
    opens_on: dt.date | None  # None: waits for the previous module or for the therapist

    @property
    def is_done(self) -> bool:
        return self.entry.completed_at is not None


def states(entries, *, unlock_rule: str, started_on: dt.date | None, today: dt.date):
    """The open/closed state of the current entries, in plan order, on ``today`` (the
    clinic's date: ``clinic_today``; no default, as the server's date is not the clinic's)."""
    result = []
    previous_done = True
    for index, entry in enumerate(entries):
        opens_on = entry.unlock_on
        if opens_on is None and started_on is not None:
            if unlock_rule == "all_at_once":
                opens_on = started_on
            elif unlock_rule == "weekly":
                opens_on = started_on + dt.timedelta(weeks=index)
        is_open = entry.unlocked_at is not None or entry.completed_at is not None
        if opens_on is not None and opens_on <= today:
            is_open = True
        if unlock_rule == "after_previous" and entry.unlock_on is None and previous_done:
            is_open = is_open or started_on is not None
        result.append(EntryState(entry, is_open, opens_on))
        previous_done = entry.completed_at is not None
    return result


def next_step(entry_states):
    """The first open module not yet completed, or None."""
    for state in entry_states:
        if state.is_open and not state.is_done:
            return state
    return None


def patient_episode(user):
    """The signed-in patient's open episode (the one their workspace shows: the newest
    of ``open_courses_of``), or None."""
    return open_courses_of(user).first()


def latest_episode(user):
    """The signed-in patient's open episode, else the one that ended last, or None."""
    return patient_episode(user) or last_ended(user)


def last_ended(user):
    """The signed-in patient's episode that ended last, or None."""
    return (
        Episode.objects.visible_to(user)
        .filter(patient__user=user, status=Episode.Status.ENDED)
        .select_related("programme_version", "clinic", "therapist")
        .order_by("-ended_on", "-id")
        .first()
    )


def earlier_courses_of(user, shown):
    """The patient's ended courses other than ``shown`` (the one their pages show: the
    open course, else the latest), newest first, each with its clinic: the courses they
    read read only, here or at another clinic (decisions 0151, 0154)."""
    ended = Episode.objects.own(user).filter(status=Episode.Status.ENDED)
    if shown is not None:
        ended = ended.exclude(pk=shown.pk)
    return ended.select_related("clinic").order_by("-created_at", "-id")


def open_courses_of(user):
    """The signed-in patient's open episodes, newest first: the first is the one their
    workspace shows (``patient_episode``); more than one when referred to another
    clinic while a course is still open (``do_open_episode`` allows it; decision 0154,
    follow-up)."""
    return (
        Episode.objects.visible_to(user)
        .filter(patient__user=user)
        .open()
        .select_related("programme_version", "clinic", "therapist")
    )


def reading_until(episode) -> dt.date | None:
    """The last day an ended episode's patient may still read their course (modules,
    worksheets, diary, scores): the clinic's ``reading_access_days`` after the end.
    None while the episode is open."""
    if episode.status != Episode.Status.ENDED or episode.ended_on is None:
        return None
    return episode.ended_on + dt.timedelta(days=episode.clinic.reading_access_days)


def patient_reading_episode(user):
    """The episode whose course the patient reads: the open one, else the one that
    ended last while it is within the clinic's reading period (issue 14: an ended
    episode must not wipe the course). Writing in it is decided by
    ``ending.patient_may_write``."""
    episode = latest_episode(user)
    if episode is None or not access.may_read_course(episode, clinic_today(episode.clinic)):
        return None
    return episode


def clinic_today(clinic) -> dt.date:
    """Today where the clinic is: modules open at midnight in the clinic's time zone."""
    return clinic_dates.clinic_today(clinic)


# The plan's current entries with their module versions: compiled once per process
# (``core.prepared``), read on every patient home (issue 16).
_CURRENT_ENTRIES = Prepared(
    lambda episode_id: (
        PlanEntry.objects.filter(episode_id=episode_id)
        .current()
        .select_related("module_version")
        .order_by("position", "id")
    )
)


def episode_states(episode):
    return states_of(episode, _CURRENT_ENTRIES(episode.pk))


def states_of(episode, entries, *, today: dt.date | None = None):
    """``states`` of the episode's current entries (as ``_CURRENT_ENTRIES`` reads them,
    in plan order), each entry told its episode; ``today``: the clinic's, when the
    caller has it already."""
    known = PlanEntry.episode.field.set_cached_value
    for entry in entries:
        known(entry, episode)  # known (read by its id): no query when a caller asks
    rule = episode.programme_version.unlock_rule if episode.programme_version else "manual"
    return states(
        entries,
        unlock_rule=rule,
        started_on=episode.started_on,
        today=today or clinic_today(episode.clinic),
    )
