"""The caseload at a glance: one row per patient with programme and week, the latest
scores with their trend and reliable change, last activity, open alerts, the next thing
due and the reply owed.

``rows(episodes, now)`` costs a fixed number of queries whatever the caseload's size
(one for the episodes with their last activity, one for every score, and one each for
alerts, due questionnaires, booked sessions, worksheets and messages waiting for a
reply, and the patients whose therapist has left). Sorting and filtering happen on the
rows, on the server, from the page's query string (``SORTS``, ``FLAGS``).

The scores, their trend and reliable change come from ``treatment.latest_scores`` (shared
with the supervision pages).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tessera.appointments.models import Appointment
from tessera.core import access
from tessera.core.id_lists import in_ids, rows_for_ids
from tessera.core.models import Episode
from tessera.core.prepared import Prepared
from tessera.treatment.latest_scores import (  # noqa: F401 (re-exported for callers)
    CHANGE_WORDS,
    DOWN,
    NONE_ON_FILE,
    SAME,
    TREND_SIGNS,
    TREND_WORDS,
    UP,
    Score,
    latest_scores,
)
from tessera.treatment.models import DueMeasure

from . import activity, collect, worklist

# Filters (``?flag=``): each a question about a row.
FLAGS: dict[str, object] = {
    "alerts": _("Open risk alerts"),
    "reply": _("Waiting for a reply"),
    "deteriorated": _("Reliable deterioration"),
    "inactive": _("Inactive"),
    "new_therapist": _("Needs a new therapist"),
}

# Sorts (``?sort=``, ``-`` before the name for descending): the column and its key.
SORTS: dict[str, object] = {
    "patient": _("Patient"),
    "programme": _("Programme and week"),
    "scores": _("Latest scores"),
    "activity": _("Last activity"),
    "alerts": _("Open alerts"),
    "due": _("Next due"),
    "reply": _("Reply due"),
}
DEFAULT_SORT = "-alerts"


@dataclass
class NextDue:
    what: str  # a questionnaire's code or the kind of session
    at: dt.datetime
    is_session: bool = False


@dataclass
class Row:
    episode: Episode
    week: int | None
    scores: list[Score] = field(default_factory=list)
    last_activity: dt.datetime | None = None
    last_activity_what: object = ""
    inactive: bool = False
    alerts: int = 0
    alert_href: str = ""
    next_due: NextDue | None = None
    reply_due: object = None  # timing.Due of the oldest thing waiting for a reply
    replies: int = 0

    @property
    def patient(self):
        return self.episode.patient

    @property
    def deteriorated(self) -> bool:
        return any(score.change == "deteriorated" for score in self.scores)

    therapist_left: bool = False  # ``access.left_among`` (``needing_new_therapist``)

    @property
    def needs_new_therapist(self) -> bool:
        """The responsible therapist has left the clinic (offboarded, or no longer a
        therapist there)."""
        return self.therapist_left

    def has(self, flag: str) -> bool:
        return {
            "alerts": self.alerts > 0,
            "reply": self.replies > 0,
            "deteriorated": self.deteriorated,
            "inactive": self.inactive,
            "new_therapist": self.needs_new_therapist,
        }.get(flag, True)


def week_of(episode, today: dt.date) -> int | None:
    """The treatment week (1 in the first seven days), or None before treatment starts."""
    if episode.started_on is None or episode.started_on > today:
        return None
    return (today - episode.started_on).days // 7 + 1


def _next_due(episode_ids, now) -> dict[int, NextDue]:
    """Per episode, the nearest of its pending questionnaires and booked sessions (tuples
    read, not model instances: only each episode's first is kept; each read's SQL built
    once per process, ``rows_for_ids``)."""
    nearest: dict[int, NextDue] = {}
    measures = rows_for_ids("caseload.next_measures", _next_measures, episode_ids, now)
    for episode_id, instrument, due_at in measures:
        if episode_id not in nearest:
            nearest[episode_id] = NextDue(instrument, due_at)
    sessions = rows_for_ids("caseload.next_sessions", _next_sessions, episode_ids, now)
    kinds = dict(Appointment.Kind.choices)
    seen: set[int] = set()
    for episode_id, kind, starts_at in sessions:
        if episode_id in seen:
            continue
        seen.add(episode_id)
        current = nearest.get(episode_id)
        if current is None or starts_at < current.at:
            nearest[episode_id] = NextDue(str(kinds.get(kind, kind)), starts_at, is_session=True)
    return nearest


def _next_measures(ids, now):
    return (
        DueMeasure.objects.filter(in_ids("episode", ids), expires_at__gt=now)
        .pending()
        .order_by("episode_id", "due_at", "id")
        .values_list("episode_id", "instrument", "due_at")
    )


def _next_sessions(ids, now):
    return (
        Appointment.objects.filter(
            in_ids("episode", ids), status=Appointment.Status.BOOKED, starts_at__gte=now
        )
        .order_by("episode_id", "starts_at", "id")
        .values_list("episode_id", "kind", "starts_at")
    )


# The caseload's episodes by their ids with what a row shows of them, compiled once per
# number of episodes (``core.prepared``; issue 16: building it was a tenth of the page).
# Their clinics and therapists are read apart and shared, the patient's name is the
# episode's own (``worklist.share_clinics_and_therapists``).
_EPISODES = Prepared(
    lambda ids: activity.kept_activity(
        Episode.objects.filter(pk__in=ids).select_related("programme_version")
    )
)


def rows(episodes, now, *, people=()) -> list[Row]:
    """One row per episode of ``episodes`` (a queryset, or a list of their ids: the
    caseload page reads them with the access scope compiled once, ``scope.caseload_rows``),
    in no particular order. The therapists among ``people`` (users already read) are not
    read again."""
    if not isinstance(episodes, list):
        episodes = list(episodes.values_list("pk", flat=True))
    listed = _EPISODES(sorted(episodes)) if episodes else []
    worklist.share_clinics_and_therapists(listed, people=people)
    # The episodes' ids as a list from here on: the access scope's conditions are
    # compiled once, not again inside each of the next six queries (issue 16: CPU).
    ids = [episode.pk for episode in listed]
    by_id = {episode.pk: episode for episode in listed}
    scores = latest_scores(ids)
    left = access.left_among(listed)
    due = _next_due(ids, now)
    alerts: dict[int, list] = defaultdict(list)
    for item in collect.risk_alerts(by_id, now):
        alerts[item.episode.pk].append(item)
    replies: dict[int, list] = defaultdict(list)
    for item in collect.replies(by_id, now):
        replies[item.episode.pk].append(item)
    result = []
    for episode in listed:
        tz = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        today = now.astimezone(tz).date()
        moment, source = activity.last_activity(episode)
        row = Row(
            episode=episode,
            week=week_of(episode, today),
            scores=scores.get(episode.pk, []),
            last_activity=moment,
            last_activity_what=activity.SOURCES.get(source, ""),
            next_due=due.get(episode.pk),
            therapist_left=episode.pk in left,
        )
        if episode.status == Episode.Status.ACTIVE:
            since = moment
            if since is None and episode.started_on:
                since = dt.datetime.combine(episode.started_on, dt.time(0), tzinfo=tz)
            row.inactive = since is not None and now - since >= dt.timedelta(
                days=episode.clinic.inactive_after_days
            )
        open_alerts = sorted(alerts.get(episode.pk, []), key=lambda item: item.sort_key)
        row.alerts = len(open_alerts)
        row.alert_href = open_alerts[0].href if open_alerts else ""
        waiting = replies.get(episode.pk, [])
        row.replies = len(waiting)
        if waiting:
            row.reply_due = min((item.due for item in waiting), key=lambda d: d.deadline)
        result.append(row)
    return result


FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def _sort_key(name: str):
    keys = {
        "patient": lambda r: (r.patient.last_name.lower(), r.patient.first_name.lower()),
        "programme": lambda r: (
            r.episode.programme_version.title if r.episode.programme_version else "",
            r.week or 0,
        ),
        "scores": lambda r: (
            sum(1 for s in r.scores if s.change == "deteriorated"),
            max((s.total for s in r.scores), default=-1),
        ),
        "activity": lambda r: r.last_activity or NEVER,
        "alerts": lambda r: (r.alerts, r.needs_new_therapist, r.replies),
        "due": lambda r: r.next_due.at if r.next_due else FAR,
        "reply": lambda r: r.reply_due.deadline if r.reply_due else FAR,
    }
    return keys[name]


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(column, descending) from ``?sort=``; the default when unknown."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    name = value.lstrip("-")
    if name not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return name, descending


def arrange(found: list[Row], *, sort: str | None, flag: str = "", query: str = "") -> list[Row]:
    """Filter by ``flag`` and a part of the patient's name, then sort (patient name breaks
    ties, so the order is stable)."""
    name, descending = parse_sort(sort)
    if flag in FLAGS:
        found = [row for row in found if row.has(flag)]
    query = (query or "").strip().lower()
    if query:
        found = [
            row
            for row in found
            if query in f"{row.patient.first_name} {row.patient.last_name}".lower()
        ]
    found = sorted(found, key=_sort_key("patient"))
    return sorted(found, key=_sort_key(name), reverse=descending)
