"""The caseload at a glance: one row per patient with programme and week, the latest
scores with their trend and reliable change, last activity, open alerts, the next thing
due and the reply owed.

``rows(episodes, now)`` costs a fixed number of queries whatever the caseload's size
(one each for the episodes, their programmes, their clinics, their last activity and
every score, one for the questionnaires and sessions due, and one each for alerts,
worksheets and messages waiting for a reply, and the patients whose therapist has
left). Sorting and filtering happen on the rows, on the server, from the page's
query string (``SORTS``, ``FLAGS``); a team's list sorted by a column the database can
work out (``DATABASE_SORTS``) is ordered and paged there, and only its page's rows are
made (``in_order``, decision 0153).

The episodes are read once, by the caseload's own read (``scope.caseload_rows``: the
therapist's range of episodes), not again by their keys; their kept activity and their
next questionnaires are ranges of their clinics' rows (the clinic-leading indexes of
decisions 0053 and 0057), the caseload's ids only filtering them: by the episodes' keys
each was one descent of an index per episode, a level deeper as the country grew
(issue 16, decision 0108).

The scores, their trend and reliable change come from ``treatment.latest_scores`` (shared
with the supervision pages).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateTimeField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Least, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.appointments.models import Appointment
from tessera.core import access
from tessera.core.id_lists import among_ids, in_ids, rows_for_ids
from tessera.core.models import Episode
from tessera.core.prepared import Prepared
from tessera.programs.models import ProgrammeVersion
from tessera.treatment import plain_names
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
from .collect import loaded_row

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

# A team's list ("The whole team", "Patients without a therapist") is paged in the
# database when it is sorted by one of these and not filtered by a flag: the team's
# episodes are ordered by columns the database works out (``in_order``), one page of
# them is read, and only the page's rows are worked out (issue 16, decisions 0147 and
# 0153). Its default stays most open alerts first, as a therapist's own: a supervisor
# opening the team's list sees the patients at risk at its top. Each sort's columns, in
# ``_sort_key``'s order (ties: the patient's name, then the caseload's own order, as the
# stable sort in Python). The others ("scores", "programme", "reply") and the
# flags still work out every row of the team, and draw one page of them (decision 0153
# says why).
TEAM_DEFAULT_SORT = DEFAULT_SORT
DATABASE_SORTS = {
    "patient": lambda now: {},
    "alerts": lambda now: {
        "open_alerts": collect.open_alerts_of_each(),
        "therapist_left": access.left_of_each(),
        "replies_owed": collect.replies_of_each(),
    },
    "activity": lambda now: {"kept_at": F("last_activity__at")},
    "due": lambda now: {"next_due_at": _next_due_at(now)},
}
NAME_COLUMNS = ("patient_last_name", "patient_first_name")


# The flags (``?flag=``) the database works out, as ``Row.has`` answers them from the
# alerts' columns (``DATABASE_SORTS["alerts"]``).
DATABASE_FLAGS = {
    "alerts": Q(open_alerts__gt=0),
    "reply": Q(replies_owed__gt=0),
    "new_therapist": Q(therapist_left=True),
}


def database_counts(episodes) -> dict[str, int]:
    """How many of ``episodes`` (a team's list, a queryset) each flag the database can
    work out holds (``Row.has``: open alerts, a reply owed, a therapist who has left):
    one query, the counts beside **Show** of a list paged in the database. Reliable
    deterioration and inactivity are worked out per row in Python, and not counted there."""
    columns = DATABASE_SORTS["alerts"](None)
    found = episodes.order_by().annotate(**columns)
    return found.aggregate(
        **{key: Count("pk", filter=where) for key, where in DATABASE_FLAGS.items()}
    )


PER_PAGE = 50


@dataclass
class NextDue:
    what: str  # a questionnaire's code or the kind of session
    at: dt.datetime
    is_session: bool = False
    # A questionnaire due on an earlier day than today in the clinic's time zone, and
    # that day: what the inbox counts as overdue (``collect._overdue_of``) and the
    # patient reads as "overdue since" (``plain_names.due_state``).
    overdue_since: dt.date | None = None


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


def _next_due(episode_ids, clinics, now) -> dict[int, NextDue]:
    """Per episode, the nearest of its pending questionnaires and booked sessions (one
    query, ``_next_rows``; tuples read, not model instances: only each episode's first
    is kept; the SQL built once per process, ``rows_for_ids``). ``clinics``: the
    episodes' clinics, whose range of open questionnaires is read."""
    nearest: dict[int, NextDue] = {}
    kinds = dict(Appointment.Kind.choices)
    rows = rows_for_ids("caseload.next_due", _next_rows, episode_ids, now, clinics=clinics)
    for episode_id, what, at, is_session, _pk in rows:
        if episode_id not in nearest:
            what = str(kinds.get(what, what)) if is_session else what
            nearest[episode_id] = NextDue(what, at, is_session=bool(is_session))
    return nearest


def _next_rows(ids, clinics, now):
    """The episodes' open questionnaires not yet expired and booked sessions to come,
    (episode, instrument or kind of session, when, is a session, id), each episode's
    nearest first (a questionnaire before a session at the same moment).

    The questionnaires are the clinics' range of open ones (``due_open_by_clinic``,
    which holds every column read: an index-only scan), the episodes' ids only filtering
    it (``among_ids``): by the episodes' ids it was one descent per episode of the
    country's dues by episode (76 → 108 pages from 1,000 to 100,000 patients; decision
    0108). The sessions are read by episode (the appointments' only index)."""
    measures = (
        DueMeasure.objects.filter(
            in_ids("clinic", clinics), among_ids("episode", ids), expires_at__gt=now
        )
        .pending()
        .annotate(session=Value(False))
        .order_by()
        .values_list("episode_id", "instrument", "due_at", "session", "id")
    )
    sessions = (
        Appointment.objects.filter(
            in_ids("episode", ids), status=Appointment.Status.BOOKED, starts_at__gte=now
        )
        .annotate(session=Value(True))
        .order_by()
        .values_list("episode_id", "kind", "starts_at", "session", "id")
    )
    return measures.union(sessions, all=True).order_by("episode_id", "due_at", "session", "id")


# What a row shows of its programme (the title, in the programme's first language): one
# object per version, shared by its episodes, read by their ids (a few rows of a small
# table; joined to the caseload's read, the planner scanned the table once per episode).
VERSION_FIELDS = ("id", "title", "languages")
_VERSIONS = Prepared(
    lambda ids: ProgrammeVersion.objects.filter(pk__in=ids).only(*VERSION_FIELDS).order_by()
)


def read_episodes(episodes, *, people=()) -> dict[int, Episode]:
    """The caseload's episodes by id, each with what a row shows (``worklist.EPISODE_FIELDS``),
    its programme version (``VERSION_FIELDS``), clinic, therapist and patient (the name)
    set (``worklist.share_clinics_and_therapists``). ``episodes``: anything with
    ``values_list`` and ``db`` (a queryset, or ``scope.CaseloadRead``: the page's own read
    of the caseload, its SQL compiled once, ``scope.caseload_rows``). The episodes are one
    query, their rows as the caseload's own index range reads them (the therapist's or
    the team's), not read again by their keys (issue 16: 40 → 196 pages from 1,000 to
    100,000 patients, decision 0108); their versions one more."""
    db = episodes.db
    caseload: dict[int, Episode] = {}
    for row in episodes.values_list(*worklist.EPISODE_FIELDS):
        episode = loaded_row(Episode, db, worklist.EPISODE_FIELDS, row)
        caseload[episode.pk] = episode
    wanted = sorted({e.programme_version_id for e in caseload.values()} - {None})
    versions = {v.pk: v for v in _VERSIONS(wanted)} if wanted else {}
    version_field = Episode.programme_version.field
    for episode in caseload.values():
        version_field.set_cached_value(episode, versions.get(episode.programme_version_id))
    worklist.share_clinics_and_therapists(caseload.values(), people=people)
    return caseload


def rows(episodes, now, *, people=()) -> list[Row]:
    """One row per episode of ``episodes`` (a queryset, or ``scope.CaseloadRead``: the
    caseload page reads them with the access scope compiled once), in no particular
    order. The therapists among ``people`` (users already read) are not read again."""
    by_id = read_episodes(episodes, people=people)
    listed = list(by_id.values())
    # The episodes' ids as a list from here on: the access scope's conditions are
    # compiled once, not again inside each of the next queries (issue 16: CPU).
    ids = list(by_id)
    clinics = collect.clinics_of(by_id)
    scores = latest_scores(ids)
    left = access.left_among(listed)
    kept = activity.kept(ids, clinics) if ids else {}
    due = _next_due(ids, clinics, now)
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
        moment, source = kept.get(episode.pk, (None, ""))
        next_due = due.get(episode.pk)
        if next_due is not None and not next_due.is_session:
            state = plain_names.due_state(next_due.at, today, tz)
            if state.state == "overdue":
                next_due.overdue_since = state.day
        row = Row(
            episode=episode,
            week=week_of(episode, today),
            scores=scores.get(episode.pk, []),
            last_activity=moment,
            last_activity_what=activity.SOURCES.get(source, ""),
            next_due=next_due,
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


def in_database(choice, sort: str, flag: str) -> bool:
    """Whether the list is a team's paged in the database (``DATABASE_SORTS``)."""
    return (
        choice.team
        and choice.therapist is None
        and (not flag or flag in DATABASE_FLAGS)
        and sort in DATABASE_SORTS
    )


def _next_due_at(now):
    """Per episode (an annotation): when ``_next_due``'s nearest is, ``FAR`` when nothing
    is due: the earliest of its open questionnaires not yet expired and its booked
    sessions to come (each by the episode's index of its rows)."""
    here = OuterRef("pk")
    measures = DueMeasure.objects.filter(episode=here, expires_at__gt=now).pending()
    sessions = Appointment.objects.filter(
        episode=here, status=Appointment.Status.BOOKED, starts_at__gte=now
    )
    far = Value(FAR, output_field=DateTimeField())
    return Least(
        Coalesce(Subquery(measures.order_by("due_at").values("due_at")[:1]), far),
        Coalesce(Subquery(sessions.order_by("starts_at").values("starts_at")[:1]), far),
    )


def in_order(episodes, sort: str, descending: bool, query: str = "", *, now=None, flag=""):
    """``episodes`` (a queryset) with ``query`` a part of the patient's name (as
    ``arrange``: of "first last", any case) and ``flag`` (a key of ``DATABASE_FLAGS``,
    or none) in the order of ``sort`` (a key of ``DATABASE_SORTS``), each row
    ``worklist.EPISODE_FIELDS``: a list to page. The names are the episode's copy
    (``episode_clinic_patient`` carries them).

    By name: the names (``LOWER``), the key breaking ties. By worked-out columns: those
    columns (more first when descending; none, as Python's "never", least), then the
    name ascending and the caseload's order (newest first, ``Episode.Meta.ordering``),
    as ``arrange``'s stable sorts leave equal rows."""
    query = (query or "").strip()
    if query:
        full = Concat("patient_first_name", Value(" "), "patient_last_name")
        episodes = episodes.annotate(full_name=full).filter(full_name__icontains=query)
    now = now or timezone.now()
    if flag:
        episodes = episodes.annotate(**DATABASE_SORTS["alerts"](now))
        episodes = episodes.filter(DATABASE_FLAGS[flag])
    if sort == "patient":
        keys = [Lower(column) for column in NAME_COLUMNS]
        keys = [key.desc() if descending else key.asc() for key in keys]
        keys.append("-pk" if descending else "pk")
    else:
        columns = DATABASE_SORTS[sort](now)
        if not (flag and sort == "alerts"):  # else the flag's columns are these
            episodes = episodes.annotate(**columns)
        keys = [
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_first=True)
            for name in columns
        ]
        keys += [Lower(column).asc() for column in NAME_COLUMNS]
        keys += ["-created_at", "-pk"]
    return episodes.order_by(*keys).values_list(*worklist.EPISODE_FIELDS)


@dataclass(frozen=True)
class Listed:
    """A page's episodes already read (``in_order``'s rows) as ``rows`` asks for them
    (``values_list`` and ``db``): their rows in the page's order."""

    found: list
    db: str

    def values_list(self, *columns) -> list:
        assert columns == worklist.EPISODE_FIELDS, columns
        return self.found


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
