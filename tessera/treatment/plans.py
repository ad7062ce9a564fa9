"""When each module of a plan opens, by the programme's unlock rule (no writes here)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from tessera.core.models import Episode


@dataclass(frozen=True)
class EntryState:
    entry: object
    is_open: bool
    opens_on: dt.date | None  # None: waits for the previous module or for the therapist

    @property
    def is_done(self) -> bool:
        return self.entry.completed_at is not None


def states(entries, *, unlock_rule: str, started_on: dt.date | None, today=None):
    """The open/closed state of the current entries, in plan order."""
    today = today or timezone.localdate()
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
    """The signed-in patient's open episode (the one their workspace shows), or None."""
    return (
        Episode.objects.visible_to(user)
        .filter(patient__user=user)
        .open()
        .select_related("programme_version", "clinic")
        .first()
    )


def clinic_today(clinic) -> dt.date:
    """Today where the clinic is: modules open at midnight in the clinic's time zone."""
    return timezone.localtime(timezone=zoneinfo.ZoneInfo(clinic.time_zone)).date()


def episode_states(episode):
    entries = list(
        episode.plan.current().select_related("module_version").order_by("position", "id")
    )
    rule = episode.programme_version.unlock_rule if episode.programme_version else "manual"
    return states(
        entries,
        unlock_rule=rule,
        started_on=episode.started_on,
        today=clinic_today(episode.clinic),
    )
