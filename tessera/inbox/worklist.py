"""The therapist's inbox: one prioritised worklist across a caseload.

``build(episodes, now)`` runs one query per kind of row for the whole caseload (the
number of queries does not grow with it) and returns every row, most urgent first:

1. open risk alerts, most severe and oldest first;
2. submitted worksheets waiting for feedback and patient messages waiting for a reply,
   oldest first, each with the time left to the clinic's response target in working
   hours (``timing.py``);
3. new patients handed over to their therapist, until the therapist first opens the
   overview or writes to them (no query: a flag on the episode);
4. patients in treatment with no activity for the clinic's ``inactive_after_days``;
5. overdue questionnaires;
6. reliable deterioration on a questionnaire since its first ("before treatment") score;
7. modules waiting for the therapist to open them (programmes that open modules by hand).

``episodes`` is a queryset of the episodes in the inbox (``scope.caseload``). They are
read once (one query), with their patient, clinic and therapist, and every collector gets
them as a dict by id: its query takes the ids as a list and returns only the columns its
rows need, and each row points at the caseload's own episode object (issue 16: making
an episode, patient, clinic and therapist object again for every row was most of the
inbox's and the staff home's time).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from django.utils import timezone

from tessera.core.models import Clinic, Episode, Patient, User
from tessera.core.prepared import Prepared

from . import activity, collect, items
from .collect import loaded_row
from .items import KINDS, Item

# What the collectors and the page read of an episode (the tests count queries, so a
# deferred field read would show). The clinic and the therapist are a few rows for the
# whole caseload: read once each and shared by the episodes, not joined and made into
# objects again for every episode (a team's inbox made ~300 of each; issue 16). The
# patient is not read: a row shows only the name, which the episode carries (core 0018).
EPISODE_FIELDS = (
    "id",
    "patient_id",
    "patient_first_name",
    "patient_last_name",
    "patient_date_of_birth",  # what tells namesakes apart (decision 0128)
    "clinic_id",
    "therapist_id",
    "programme_version_id",
    "status",
    "new_to_therapist",
    "started_on",
    "created_at",
    "read_only_from",
)
# Read with them: the programme's unlock rule (``collect.opens_by_hand``), by the episode's
# own reference to its version (one row of a small table), so that the plan entries of
# the modules waiting to be opened are one query the same for every caseload.
EPISODE_ATTRS = (*EPISODE_FIELDS, "programme_unlock_rule")
# Columns no row shows or needs (the clinic's JSON settings).
CLINIC_NOT_SHOWN = ("languages", "rate_limits")
PATIENT_FIELDS = ("id", "first_name", "last_name")

COLLECTORS = [
    collect.risk_alerts,
    collect.replies,
    collect.new_patients,
    activity.inactive_patients,
    collect.overdue_questionnaires,
    activity.deteriorations,
    collect.modules_to_open,
]


# The same kinds counted without making a row or its text: the staff home shows only
# the counts (issue 16). Each gives exactly ``len`` of its collector's rows
# (tests/inbox/test_tally.py compares them).
COUNTERS = [
    (items.RISK, collect.count_risk_alerts),
    (items.REPLY, collect.count_replies),
    (items.NEW_PATIENT, collect.count_new_patients),
    (items.INACTIVE, activity.count_inactive_patients),
    (items.OVERDUE, collect.count_overdue_questionnaires),
    (items.DETERIORATION, activity.count_deteriorations),
    (items.UNLOCK, collect.count_modules_to_open),
]


@dataclass
class Tally:
    """The inbox's numbers without its rows: ``counts`` and ``total`` as ``Worklist``'s."""

    tally: dict[str, int]

    @property
    def counts(self) -> list[tuple[str, object, int]]:
        return [(kind, label, self.tally[kind]) for kind, label in KINDS]

    @property
    def total(self) -> int:
        return sum(self.tally.values())


@dataclass
class Worklist:
    items: list[Item]
    # The caseload the rows were read from, by id: whose names a row's is told apart
    # from (a page shows one of two namesakes; decision 0128).
    caseload: dict = field(default_factory=dict)

    @property
    def counts(self) -> list[tuple[str, object, int]]:
        """(kind, label, number of rows) for every kind, in order of priority."""
        tally = dict.fromkeys((kind for kind, _label in KINDS), 0)
        for item in self.items:
            tally[item.kind] += 1
        return [(kind, label, tally[kind]) for kind, label in KINDS]

    @property
    def total(self) -> int:
        return len(self.items)

    def of_kind(self, kind: str | None) -> list[Item]:
        if not kind:
            return self.items
        return [item for item in self.items if item.kind == kind]

    def by_patient(self, kind: str | None = None) -> list[Group]:
        """The rows grouped by episode, each group where its most urgent row is."""
        groups: dict[int, Group] = {}
        for item in self.of_kind(kind):
            group = groups.get(item.episode.pk)
            if group is None:
                group = groups[item.episode.pk] = Group(item.episode, [])
            group.items.append(item)
        return list(groups.values())


@dataclass
class Group:
    """One patient's rows of the inbox, most urgent first."""

    episode: object
    items: list[Item]

    @property
    def overview_href(self) -> str:
        return items.overview_url(self.episode.pk)

    @property
    def due(self):
        """The nearest reply deadline among the rows, if any."""
        dues = [item.due for item in self.items if item.due is not None]
        return min(dues, key=lambda d: d.deadline) if dues else None


def tally(episodes, now=None) -> Tally:
    """What ``build(episodes, now).counts`` and ``.total`` give, counted: the same
    queries or fewer columns, and no row, text or link made (the staff home).

    The rows are read by their clinics' ranges (the clinic-leading indexes of decisions
    0053 and 0057), the caseload's ids only filtering them, instead of one index descent
    per episode, which grew a level deeper with the country: a team's caseload and a
    therapist's alike. The same numbers."""
    now = now or timezone.now()
    # The counts need the episode's own columns and its clinic, not the therapist or
    # the patient.
    # (A dict by id when the page has read the episodes already: the staff home.)
    caseload = episodes if isinstance(episodes, dict) else counted_caseload(episodes)
    clinics = collect.clinics_of(caseload)
    return Tally({kind: count(caseload, now, clinics) for kind, count in COUNTERS})


# What the counters read of an episode and its clinic (``COUNTERS``; the tests count
# queries, so a deferred field read would show).
COUNTED_FIELDS = (
    "id",
    "clinic_id",
    "therapist_id",
    "programme_version_id",
    "status",
    "new_to_therapist",
    "started_on",
    "created_at",
)
COUNTED_ATTRS = (*COUNTED_FIELDS, "programme_unlock_rule")  # as ``EPISODE_ATTRS``
COUNTED_CLINIC_FIELDS = ("id", "time_zone", "inactive_after_days")


def counted_caseload(episodes) -> dict[int, object]:
    """The episodes by id with only what the counters read (a team's caseload is
    hundreds of episodes: every column of the episode and its clinic made into objects
    was most of the team's staff home; issue 16). One query, as rows: each episode made
    without ``Model.__init__`` (``loaded_row``), each clinic once and shared by its
    episodes (decision 0059: ``select_related`` made a clinic object per episode)."""
    db = episodes.db
    clinic_columns = tuple(f"clinic__{name}" for name in COUNTED_CLINIC_FIELDS[1:])
    clinics: dict[int, Clinic] = {}
    clinic_field = Episode.clinic.field
    caseload = {}
    width = len(COUNTED_ATTRS)
    for row in episodes.values_list(*COUNTED_FIELDS, collect.UNLOCK_RULE, *clinic_columns):
        episode = loaded_row(Episode, db, COUNTED_ATTRS, row[:width])
        clinic = clinics.get(episode.clinic_id)
        if clinic is None:
            clinic = clinics[episode.clinic_id] = loaded_row(
                Clinic, db, COUNTED_CLINIC_FIELDS, (episode.clinic_id, *row[width:])
            )
        clinic_field.set_cached_value(episode, clinic)
        caseload[episode.pk] = episode
    return caseload


def build(episodes, now=None, *, people=()) -> Worklist:
    """``people``: users already read (the team's therapists, ``scope.team_therapists``,
    the user), whose episodes need no query for their therapist."""
    now = now or timezone.now()
    # The caseload, read once, goes into every collector's query as a list of ids: as a
    # subquery each query ran the scope again, and the planner, not knowing how few
    # episodes it gives, joined it to a scan of every episode in the country (issue 16).
    caseload = read_caseload(episodes, people=people)
    # Their rows are read by the caseload's clinics' ranges (decisions 0053, 0057).
    clinics = collect.clinics_of(caseload)
    rows: list[Item] = []
    for collector in COLLECTORS:
        rows.extend(collector(caseload, now, clinics))
    rows.sort(key=lambda item: item.sort_key)
    return Worklist(rows, caseload)


# The kinds whose rows are ordered and cut in the database: only the first ``limit`` of
# each read (``limit``).
# Each: (its first rows, its count, its first rows and how many there are).
CUT_IN_DATABASE = {
    items.RISK: (collect.risk_alerts, collect.count_risk_alerts, collect.first_risk_alerts),
    items.REPLY: (collect.replies, collect.count_replies, collect.first_replies),
}
# The kinds a Python rule finds among the caseload (the flag of a new patient, days of
# inactivity, overdue days in the clinic's time zone, reliable change, plan states): what
# each finds is read once, counted, and only the first ``limit`` made into rows. Each
# kind: (what it finds, where one is in the kind's order, its row).
FOUND_IN_PYTHON = {
    items.NEW_PATIENT: (
        collect.found_new_patients,
        collect.new_patient_order,
        lambda caseload, now, found: collect.new_patient_row(found),
    ),
    items.INACTIVE: (
        activity.found_inactive,
        activity.inactive_order,
        lambda caseload, now, found: activity.inactive_row(found, now),
    ),
    items.OVERDUE: (
        collect.found_overdue,
        collect.overdue_order,
        lambda caseload, now, found: collect.overdue_row(caseload, found),
    ),
    items.DETERIORATION: (
        activity.found_deteriorations,
        activity.deterioration_order,
        lambda caseload, now, found: activity.deterioration_row(found),
    ),
    items.UNLOCK: (
        collect.found_modules,
        collect.module_order,
        lambda caseload, now, found: collect.module_row(found),
    ),
}


class Drawn:
    """The inbox's rows of one kind or of every kind, in ``build``'s order, as a
    sequence a ``Paginator`` pages: its length is the exact count, and a slice makes
    only the rows of the kinds it reaches, each at most as many as the slice ends at
    (decision 0159). The order's first key is the kind, so the rows of every kind are
    each kind's in turn: a page is the first rows of a few kinds, not every row of the
    team made and sorted (0153: a team's inbox made all its hundreds of rows to show
    fifty; issue 16)."""

    def __init__(self, caseload: dict, now, clinics, kind: str = "", reach: int = 0):
        """``reach``: where the page asked for ends (its number times its size). The
        kinds cut in the database that it reaches are read first, at most as many rows
        as are left to it: fewer rows than that are all of the kind, and need no count
        (a team's page of fewer rows than a page read each kind twice)."""
        self.caseload = caseload
        self.now = now
        self.clinics = clinics
        self.kinds = [kind] if kind else [code for code, _label in KINDS]
        self.made = 0  # rows made (the tests count them)
        self.read: dict[str, list[Item]] = {}  # the first rows of a kind, read already
        self.found = {
            code: find(caseload, now, clinics)
            for code, (find, _order, _row) in FOUND_IN_PYTHON.items()
        }
        self.tally: dict[str, int] = {}
        left = reach
        for code, _label in KINDS:
            if code in self.found:
                self.tally[code] = len(self.found[code])
            elif left > 0 and code in self.kinds:
                _collector, _count, first_and_count = CUT_IN_DATABASE[code]
                first, self.tally[code] = first_and_count(caseload, now, clinics, left)
                self.read[code] = first
                self.made += len(first)
            else:
                self.tally[code] = self._count(code)
            if code in self.kinds:
                left = max(left - self.tally[code], 0)

    def _count(self, kind: str) -> int:
        _collector, count, _first_and_count = CUT_IN_DATABASE[kind]
        return count(self.caseload, self.now, self.clinics)

    def __len__(self) -> int:
        return sum(self.tally[kind] for kind in self.kinds)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("the rows are read a slice at a time")
        start, stop, _step = index.indices(len(self))
        rows: list[Item] = []
        before = 0  # the rows of the kinds before this one
        for kind in self.kinds:
            size = self.tally[kind]
            if before >= stop:
                break
            if size and before + size > start:
                first = self.first_of_kind(kind, min(stop - before, size))
                rows.extend(first[max(start - before, 0) :])
            before += size
        return rows

    def first_of_kind(self, kind: str, limit: int) -> list[Item]:
        """The first ``limit`` rows of one kind, in the inbox's order (``Item.sort_key``)."""
        read = self.read.get(kind)
        if read is not None and (len(read) >= limit or len(read) == self.tally[kind]):
            return read[:limit]
        if kind in CUT_IN_DATABASE:
            collector, _count, _first_and_count = CUT_IN_DATABASE[kind]
            rows = collector(self.caseload, self.now, self.clinics, limit=limit)
        else:
            _find, order, row = FOUND_IN_PYTHON[kind]
            first = heapq.nsmallest(limit, self.found[kind], key=order)
            rows = [row(self.caseload, self.now, found) for found in first]
        self.made += len(rows)
        return rows


@dataclass
class Drawing:
    """What the inbox page shows of a ``Worklist`` when it draws a page (``draw``): the
    numbers of every kind, as ``Tally``'s, and the caseload (whose names a row's is told
    apart from), with ``rows`` to page."""

    rows: Drawn

    @property
    def caseload(self) -> dict:
        return self.rows.caseload

    @property
    def counts(self) -> list[tuple[str, object, int]]:
        return Tally(self.rows.tally).counts

    @property
    def total(self) -> int:
        return sum(self.rows.tally.values())


def draw(episodes, now=None, *, kind: str = "", people=(), reach: int = 0) -> Drawing:
    """``build(episodes, now).of_kind(kind)`` to page, without making every row: each
    kind counted (exactly), then only the rows a page reaches made (``Drawn``). The same
    rows in the same order, ties included (tests/inbox/test_inbox_drawn.py)."""
    now = now or timezone.now()
    caseload = read_caseload(episodes, people=people)
    return Drawing(Drawn(caseload, now, collect.clinics_of(caseload), kind, reach))


def read_caseload(episodes, *, people=()) -> dict[int, Episode]:
    """The episodes by id, each with its clinic, therapist and patient (the name) set:
    three queries whatever the caseload's size (the episodes, their clinics, their
    therapists), each clinic and therapist one object shared by its episodes. The
    therapists among ``people`` (users already read) are not read again: a team's
    inbox, whose therapists come from their clinic roles' copy of their names, reads no
    user row (decision 0064), but for a therapist who is no longer one of the team's."""
    db = episodes.db
    caseload = {}
    for row in episodes.values_list(*EPISODE_FIELDS, collect.UNLOCK_RULE):
        episode = loaded_row(Episode, db, EPISODE_ATTRS, row)
        caseload[episode.pk] = episode
    share_clinics_and_therapists(caseload.values(), people=people)
    return caseload


def share_clinics_and_therapists(episodes, *, people=()) -> None:
    """Sets each of these episodes' clinic, therapist and patient (the name the episode
    carries): two queries at most (their clinics, their therapists not among ``people``),
    each clinic and therapist one object shared by its episodes. Joined to each episode
    instead, the clinics and the country's users were read whole by the planner (the
    caseload: 44 pages of users at 100,000 patients, 3 at 1,000), and each patient one
    descent of the patients' key (issue 16)."""
    clinic_ids = {e.clinic_id for e in episodes}
    known = {person.pk: person for person in people}
    therapist_ids = {e.therapist_id for e in episodes} - {None} - set(known)
    clinics = {c.pk: c for c in _CLINICS(sorted(clinic_ids))} if clinic_ids else {}
    if therapist_ids:
        known.update((u.pk, u) for u in _THERAPISTS(sorted(therapist_ids)))
    clinic_field = Episode.clinic.field
    therapist_field = Episode.therapist.field
    patient_field = Episode.patient.field
    for episode in episodes:
        clinic_field.set_cached_value(episode, clinics[episode.clinic_id])
        therapist_field.set_cached_value(episode, known.get(episode.therapist_id))
        patient_field.set_cached_value(episode, patient_of(episode))


# The caseload's clinics and therapists (those not among ``people``), compiled to SQL
# once per process and number of them (``core.prepared``, decision 0044): the same two
# reads on every request of the inbox (issue 16).
_CLINICS = Prepared(lambda ids: Clinic.objects.filter(pk__in=ids).defer(*CLINIC_NOT_SHOWN))
_THERAPISTS = Prepared(lambda ids: User.objects.filter(pk__in=ids).defer("password"))


def patient_of(episode) -> Patient:
    """The episode's patient from the episode's own copy of the name, no query: a
    patient object whose other fields are deferred (read from the database only if
    something asks for them, as with ``.only()``)."""
    return loaded_row(
        Patient,
        episode._state.db,
        PATIENT_FIELDS,
        (episode.patient_id, episode.patient_first_name, episode.patient_last_name),
    )
