"""Risk alerts, replies owed, overdue questionnaires and modules to open: one query each
for the whole caseload.

``episodes`` is the caseload as ``worklist.build`` reads it, a dict of episode objects
(with patient, clinic and therapist) by id; a list of ids also does (then they are read
here, one more query). Each query returns only the columns its rows need, and every row
points at the caseload's own episode object (issue 16).

The messages and questionnaires are read by their clinics' ranges (the caseload's
clinics, ``clinics_of``: the clinic-leading indexes of decisions 0053 and 0057), the
caseload's ids only filtering the range, for a therapist's caseload as for a team's: one
index descent per episode grew a level deeper as the country grew."""

from __future__ import annotations

import datetime as dt
import heapq
import zoneinfo
from collections import defaultdict
from functools import partial
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tessera.core import prepared
from tessera.core.id_lists import among_ids, in_ids, rows_for_ids
from tessera.core.models import Episode
from tessera.core.templatetags.content_language import in_language
from tessera.instruments.time_points import TimePoint
from tessera.messaging.models import Message
from tessera.programs.models import ProgrammeVersion, UnlockRule
from tessera.safety.models import RiskAlert
from tessera.treatment import plans
from tessera.treatment.models import DueMeasure, PlanEntry, WorksheetAnswer

from . import items
from .items import Item
from .words import gettext as _
from .words import ngettext

SEVERITY_RANK = {
    RiskAlert.Severity.URGENT: 0,
    RiskAlert.Severity.HIGH: 1,
    RiskAlert.Severity.MODERATE: 2,
}
TIME_POINTS = dict(TimePoint.choices)

# The links' texts, translated when a row is shown (``Item``: only a page of the rows is).
OPEN_ALERT = gettext_lazy("Open the alert")
OPEN_OVERVIEW = gettext_lazy("Open the overview")
GIVE_FEEDBACK = gettext_lazy("Give feedback")
REPLY = gettext_lazy("Reply")
SEE_QUESTIONNAIRES = gettext_lazy("See questionnaires")
OPEN_PLAN = gettext_lazy("Open the plan")


def loaded(episodes) -> dict[int, Episode]:
    """The caseload by id: as given by ``worklist.build``, or read from ids (a list or a
    query of ``pk`` values)."""
    if isinstance(episodes, dict):
        return episodes
    return {
        e.pk: e
        for e in Episode.objects.filter(pk__in=episodes)
        .select_related("patient", "clinic", "therapist")
        .annotate(programme_unlock_rule=F(UNLOCK_RULE))
    }


def loaded_row(model, db: str, attnames, values):
    """A model object as ``model.from_db(db, attnames, values)`` gives it (the other
    fields deferred: read from the database if something asks for them), made without
    running ``Model.__init__`` over every field where that gives the same object
    (``prepared.from_db``): a team's inbox makes hundreds of episodes and patients, and
    ``__init__`` was most of reading them (issue 16)."""
    return prepared.from_db(model, db, attnames, values)


def clinics_of(caseload: dict) -> list[int]:
    """The clinics of the caseload's episodes: the ranges its rows are read from."""
    return sorted({e.clinic_id for e in caseload.values()})


# What a risk alert's row reads of it.
ALERT_COLUMNS = (
    "id",
    "episode_id",
    "severity",
    "source",
    "opened_at",
    "acknowledge_by",
    "acknowledged_at",
)


def risk_alerts(episodes, now, clinics=None, *, limit=None) -> list[Item]:
    """The caseload's open alerts, oldest first: one query, its SQL compiled once per
    process (``rows_for_ids``), each row made into an alert without ``Model.__init__``
    (as ``.only(*ALERT_COLUMNS)`` made it; issue 16). ``limit``: only the first so many
    in the inbox's order (``Item.sort_key``), ordered and cut in the database."""
    caseload = loaded(episodes)
    clinics = clinics or clinics_of(caseload)
    if limit is None:
        found = rows_for_ids("inbox.risk_alerts", _alert_rows, caseload, clinics=clinics)
    else:
        first = partial(_first_alert_rows, limit=limit)
        found = rows_for_ids(f"inbox.risk_alerts.{limit}", first, caseload, clinics=clinics)
    alerts = [loaded_row(RiskAlert, DEFAULT_DB_ALIAS, ALERT_COLUMNS, row) for row in found]
    rows = []
    for alert in alerts:
        alert.episode = caseload[alert.episode_id]
        rows.append(
            Item(
                items.RISK,
                alert.episode,
                partial(_risk_reason, alert, now),
                partial(items.alert_url, alert.pk),
                OPEN_ALERT,
                alert.opened_at,
                rank=SEVERITY_RANK.get(alert.severity, 9),
                key=f"risk-{alert.pk}",
            )
        )
    return rows


def _alert_rows(caseload, clinics):
    return _open_alerts(caseload, clinics).order_by("opened_at", "id").values_list(*ALERT_COLUMNS)


class KeyText(Func):
    """An id as the text of a row's ``key`` compares it (``Item.sort_key``: "risk-10"
    before "risk-9"): the digits as text, compared by code point as Python compares
    strings (PostgreSQL's "C" collation; SQLite compares text so already)."""

    function = "CAST"
    template = "CAST(%(expressions)s AS TEXT)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self.as_sql(compiler, connection, **extra)
        return f'({sql} COLLATE "C")', params


def _severity_rank():
    """``SEVERITY_RANK`` in SQL (9 for any other severity, as ``.get(…, 9)``)."""
    return Case(
        *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def _first_alert_rows(caseload, clinics, *, limit):
    """The first ``limit`` of ``_alert_rows`` in the inbox's order: most severe, oldest,
    then the row's key (``Item.sort_key``)."""
    return (
        _open_alerts(caseload, clinics)
        .order_by(_severity_rank().asc(), "opened_at", KeyText("id").asc())
        .values_list(*ALERT_COLUMNS)[:limit]
    )


def _risk_reason(alert, now) -> str:
    if alert.acknowledged_at:
        state = _("acknowledged, not yet resolved")
    elif alert.acknowledge_by < now:
        state = _("not acknowledged in time")
    else:
        state = _("to be acknowledged")
    return _("%(severity)s risk: %(source)s (%(state)s)") % {
        "severity": alert.get_severity_display().capitalize(),
        "source": alert.get_source_display(),
        "state": state,
    }


def count_risk_alerts(caseload, now, clinics=None) -> int:
    """As ``len(risk_alerts(caseload, now))``: one COUNT, no row made (the staff home)."""
    clinics = clinics or clinics_of(caseload)
    return _count("inbox.count_risk", _open_alerts, caseload, clinics=clinics)


def _open_alerts(caseload, clinics):
    """The caseload's open alerts, read from its clinics' open alerts (the alert's copy
    of its clinic, ``alert_by_clinic``: decision 0084), the caseload's ids only
    filtering them (``among_ids``): looked up in ``alert_open_by_episode`` one descent
    per episode, a team's caseload read 629 pages at 100,000 patients (decision 0087).
    Every episode of the caseload is at one of ``clinics`` and an alert's clinic is its
    episode's, so the same alerts."""
    return RiskAlert.objects.unresolved().filter(
        in_ids("clinic", clinics), among_ids("episode", caseload)
    )


def _counted(rows):
    """How many of ``rows`` (filtered by the outer query's episode): a scalar subquery,
    COUNT without GROUP BY, so one row and 0 when none match."""
    counting = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counting[:1], output_field=IntegerField()), 0)


def open_alerts_of_each():
    """Per episode (an annotation of a queryset of episodes): the number of its open
    alerts, the rows ``risk_alerts`` lists for it (``_open_alerts``: unresolved; an
    alert's clinic is its episode's). Read by the open alerts' index by episode
    (``alert_open_by_episode``), one descent per episode."""
    return _counted(RiskAlert.objects.unresolved().filter(episode=OuterRef("pk")))


def replies_of_each():
    """Per episode (an annotation): what ``replies`` lists for it, counted as the
    caseload's "Reply due" does (``caseload.Row.replies``): each worksheet answer owed
    feedback, and one for the messages waiting for a reply, however many."""
    owed = _counted(WorksheetAnswer.objects.filter(entry__episode=OuterRef("pk"), **FEEDBACK_OWED))
    waiting = Message.objects.awaiting_reply().filter(episode=OuterRef("pk"), is_automated=False)
    return owed + Case(When(Exists(waiting), then=Value(1)), default=Value(0))


def _count(key: str, build, caseload, counted=None, clinics=None) -> int:
    """``build(caseload).count()`` (or another count, ``counted``), its SQL built once
    per process (``rows_for_ids``); with ``clinics``, ``build(caseload, clinics)``."""
    counted = counted or Count("*")

    def counting(*lists):
        rows = build(*lists).order_by().annotate(one=Value(1)).values("one")
        return rows.annotate(n=counted).values_list("n")

    rows = rows_for_ids(key, counting, caseload, clinics=clinics)
    return rows[0][0] if rows else 0  # grouped by a constant: no row when none match


def _new(caseload):
    for episode in caseload.values():
        if not episode.new_to_therapist or episode.therapist_id is None:
            continue
        if episode.status == Episode.Status.ENDED:
            continue
        yield episode


def count_new_patients(caseload, now, clinics=None) -> int:
    return sum(1 for _episode in _new(caseload))


def new_patients(episodes, now, clinics=None) -> list[Item]:
    """Patients newly handed over to their therapist (``Episode.new_to_therapist``), until
    the therapist first opens the overview or writes to them. No query: the flag comes
    with the caseload's episodes."""
    return [new_patient_row(episode) for episode in _new(loaded(episodes))]


def found_new_patients(caseload, now, clinics=None) -> list:
    return list(_new(caseload))


def new_patient_order(episode):
    """Where a new patient's row is among its kind (``Item.sort_key`` without the kind and
    rank), before its row is made."""
    return episode.created_at, f"new-{episode.pk}"


def new_patient_row(episode) -> Item:
    return Item(
        items.NEW_PATIENT,
        episode,
        partial(_new_reason, episode),
        partial(items.overview_url, episode.pk),
        OPEN_OVERVIEW,
        episode.created_at,
        key=f"new-{episode.pk}",
    )


def _new_reason(episode) -> str:
    return _("New patient, assigned to %(therapist)s: not opened yet") % {
        "therapist": episode.therapist.get_full_name() or episode.therapist.email
    }


# A worksheet answer sent and waiting for feedback.
FEEDBACK_OWED = {"submitted_at__isnull": False, "feedback_at__isnull": True}


def _feedback_owed(caseload, clinics):
    """The caseload's worksheets sent and waiting for feedback, read by the clinics'
    range of ``worksheet_owed_by_clinic`` (the answer's copy of its clinic; the
    caseload's ids only filter it): not the country's waiting answers (decision 0064)."""
    return WorksheetAnswer.objects.filter(
        in_ids("clinic", clinics),
        in_ids("entry__episode", caseload),
        **FEEDBACK_OWED,
    )


def _waiting_messages(caseload, clinics):
    """The caseload's patient messages waiting for a reply, read by the clinics' range
    of their waiting messages (``message_waiting_by_clinic``, which holds every column
    asked for here; the caseload's ids only filter it): one range, not one index
    descent per episode (decisions 0053, 0057)."""
    return Message.objects.awaiting_reply().filter(
        in_ids("clinic", clinics), in_ids("episode", caseload), is_automated=False
    )


def _feedback_owed_rows(caseload, clinics):
    return (
        _feedback_owed(caseload, clinics)
        .order_by("submitted_at", "id")
        .values_list(
            "pk", "entry__episode_id", "submitted_at", "step__title", "entry__module_version__title"
        )
    )


def _first_waiting_messages(caseload, clinics):
    """(pk, episode id, sent at, how many wait) of the oldest waiting message of each
    episode, oldest first: one row per episode counted and picked in the database, not
    every waiting message sent to Python (a team's inbox read over a thousand; issue 16)."""
    episode = [F("episode_id")]
    return (
        _waiting_messages(caseload, clinics)
        .annotate(
            waiting=Window(Count("id"), partition_by=episode),
            rank=Window(
                RowNumber(), partition_by=episode, order_by=[F("sent_at").asc(), F("id").asc()]
            ),
        )
        .filter(rank=1)
        .order_by("sent_at", "id")
        .values_list("pk", "episode_id", "sent_at", "waiting")
    )


def count_replies(caseload, now, clinics=None) -> int:
    """As ``len(replies(caseload, now))``: the worksheets owed feedback (a COUNT) and the
    episodes with a message waiting (one row each, as in the inbox); no text made.
    ``clinics``: the caseload's clinics (``clinics_of``), whose ranges are read."""
    distinct = Count("episode_id", distinct=True)
    clinics = clinics or clinics_of(caseload)
    waiting = _count("inbox.count_waiting", _waiting_messages, caseload, distinct, clinics=clinics)
    owed = _count("inbox.count_feedback_owed", _feedback_owed, caseload, clinics=clinics)
    return owed + waiting


def replies(episodes, now, clinics=None, *, limit=None) -> list[Item]:
    """Submitted worksheets without feedback, and patient messages without a reply.
    ``limit``: only the first so many in the inbox's order (``Item.sort_key``): at most
    so many of each, ordered and cut in the database (the first of the two merged)."""
    caseload = loaded(episodes)
    worksheets, messages = _reply_rows(caseload, now, clinics or clinics_of(caseload), limit)
    rows = worksheets + messages
    if limit is not None:
        rows = heapq.nsmallest(limit, rows, key=lambda item: item.sort_key)
    return rows


def first_replies(caseload, now, clinics, limit: int) -> tuple[list[Item], int]:
    """``replies(caseload, now, clinics, limit=limit)`` and how many replies there are
    (``count_replies``): worksheets or messages read whole (fewer than ``limit``) are
    counted by the read; only the others are counted (decision 0159)."""
    worksheets, messages = _reply_rows(caseload, now, clinics, limit)
    rows = heapq.nsmallest(limit, worksheets + messages, key=lambda item: item.sort_key)
    if len(worksheets) < limit:
        owed = len(worksheets)
    else:
        owed = _count("inbox.count_feedback_owed", _feedback_owed, caseload, clinics=clinics)
    if len(messages) < limit:
        waiting = len(messages)
    else:
        distinct = Count("episode_id", distinct=True)
        waiting = _count(
            "inbox.count_waiting", _waiting_messages, caseload, distinct, clinics=clinics
        )
    return rows, owed + waiting


def first_risk_alerts(caseload, now, clinics, limit: int) -> tuple[list[Item], int]:
    """``risk_alerts(…, limit=limit)`` and how many there are: counted by the read when
    it is fewer than ``limit`` (as ``first_replies``)."""
    rows = risk_alerts(caseload, now, clinics, limit=limit)
    found = len(rows) if len(rows) < limit else count_risk_alerts(caseload, now, clinics)
    return rows, found


def _reply_rows(caseload, now, clinics, limit) -> tuple[list[Item], list[Item]]:
    """The worksheets' rows and the messages' rows (with ``limit``: the first so many of
    each, in the inbox's order)."""
    if limit is None:
        owed, first_waiting, suffix = _feedback_owed_rows, _first_waiting_messages, ""
    else:
        owed = partial(_first_of, _feedback_owed_rows, "submitted_at", limit=limit)
        first_waiting = partial(_first_of, _first_waiting_messages, "sent_at", limit=limit)
        suffix = f".{limit}"
    answers = rows_for_ids(f"inbox.feedback_owed{suffix}", owed, caseload, clinics=clinics)
    worksheets = []
    for pk, episode_id, submitted_at, step, module in answers:
        worksheets.append(
            Item(
                items.REPLY,
                caseload[episode_id],
                partial(_worksheet_reason, step, module),
                partial(items.messages_url, episode_id, pk),
                GIVE_FEEDBACK,
                submitted_at,
                reply_since=submitted_at,
                now=now,
                answer_id=pk,
                key=f"worksheet-{pk}",
            )
        )
    waiting = rows_for_ids(f"inbox.first_waiting{suffix}", first_waiting, caseload, clinics=clinics)
    messages = []
    for pk, episode_id, sent_at, count in waiting:
        messages.append(
            Item(
                items.REPLY,
                caseload[episode_id],
                partial(_messages_reason, count),
                partial(items.messages_url, episode_id),
                REPLY,
                sent_at,
                reply_since=sent_at,
                now=now,
                key=f"message-{pk}",
            )
        )
    return worksheets, messages


def _first_of(build, at: str, caseload, clinics, *, limit):
    """The first ``limit`` rows of ``build`` by the inbox's order within a kind: when,
    then the row's key (its id as text, ``KeyText``)."""
    return build(caseload, clinics).order_by(at, KeyText("id").asc())[:limit]


def _worksheet_reason(step, module) -> str:
    return _("Sent a worksheet for feedback: %(step)s (%(module)s)") % {
        "step": step,
        "module": module,
    }


def _messages_reason(count: int) -> str:
    return ngettext(
        "Sent a message that waits for a reply",
        "Sent %(count)d messages that wait for a reply",
        count,
    ) % {"count": count}


def _overdue_by_episode(caseload, now, clinics=None) -> dict[int, list]:
    """The caseload's overdue questionnaires as tuples (pk, episode id, due at,
    instrument, time point), oldest first, by episode."""
    # Due before now and not expired; whether it was due on an earlier day than today in
    # the clinic's time zone (``DueMeasureQuerySet.overdue``) is told below from the
    # caseload's own clinics: in the query it joined every due row to its episode and
    # clinic (issue 16). The clinics' range of ``due_open_by_clinic`` answers it.
    overdue = rows_for_ids(
        "inbox.overdue", open_past_due, caseload, now, clinics=clinics or clinics_of(caseload)
    )
    return _overdue_of(caseload, overdue, now)


def _overdue_of(caseload, overdue, now) -> dict[int, list]:
    """The rows (pk, episode id, due at, …) due on an earlier day than today in their
    clinic's time zone, by episode."""
    today: dict[int, dt.date] = {}  # the clinic's date now, by episode
    by_episode: dict[int, list] = defaultdict(list)
    for measure in overdue:
        episode_id, due_at = measure[1], measure[2]
        clinic = caseload[episode_id].clinic
        if episode_id not in today:
            today[episode_id] = _local_date(clinic, now)
        if _local_date(clinic, due_at) >= today[episode_id]:
            continue  # due today is not overdue: the patient has until the day ends
        by_episode[episode_id].append(measure)
    return by_episode


def open_past_due(caseload, clinics, now):
    """The caseload's open questionnaires due before now and not expired, oldest first:
    (pk, episode id, due at, instrument, time point), read from the clinics' range of
    ``due_open_by_clinic`` alone (it holds these columns; decisions 0053, 0057). Also
    the staff home's overdue list (``portal.staff_lists.overdue``): one SQL, compiled
    once per process (``rows_for_ids("inbox.overdue", …)``)."""
    return (
        DueMeasure.objects.filter(in_ids("clinic", clinics), in_ids("episode", caseload))
        .pending()
        .filter(due_at__lt=now, expires_at__gt=now)
        .order_by("due_at", "id")
        .values_list("pk", "episode_id", "due_at", "instrument", "time_point")
    )


def count_overdue_questionnaires(caseload, now, clinics=None) -> int:
    return len(_overdue_by_episode(caseload, now, clinics))


def overdue_questionnaires(episodes, now, clinics=None) -> list[Item]:
    """One row per patient, however many questionnaires are overdue (issue 20: one row
    per questionnaire was noise). Keyed by the oldest one."""
    caseload = loaded(episodes)
    return [overdue_row(caseload, found) for found in found_overdue(caseload, now, clinics)]


def found_overdue(caseload, now, clinics=None) -> list:
    """(episode id, its overdue questionnaires) of each patient with any."""
    return list(_overdue_by_episode(caseload, now, clinics).items())


def overdue_order(found):
    """Where the row of ``found`` is among its kind (as ``new_patient_order``)."""
    first_pk, _episode_id, first_due, _instrument, _point = found[1][0]
    return first_due, f"due-{first_pk}"


def overdue_row(caseload, found) -> Item:
    episode_id, measures = found
    first_pk, _episode_id, first_due, _instrument, _point = measures[0]
    episode = caseload[episode_id]
    return Item(
        items.OVERDUE,
        episode,
        partial(_overdue_reason, episode.clinic, measures),
        partial(items.url_with_id, "patient_measures", "pk", episode.patient_id),
        SEE_QUESTIONNAIRES,
        first_due,
        key=f"due-{first_pk}",
    )


def _overdue_reason(clinic, measures) -> str:
    if len(measures) == 1:
        _pk, _episode_id, due_at, instrument, time_point = measures[0]
        return _("%(instrument)s (%(when)s) was due on %(date)s and is not filled in") % {
            "instrument": instrument,
            "when": _time_point(time_point),
            "date": _local_date(clinic, due_at).isoformat(),
        }
    listed = "; ".join(
        _("%(instrument)s (%(when)s, due %(date)s)")
        % {
            "instrument": instrument,
            "when": _time_point(time_point),
            "date": _local_date(clinic, due_at).isoformat(),
        }
        for _pk, _episode_id, due_at, instrument, time_point in measures
    )
    return ngettext(
        "%(count)d questionnaire is not filled in: %(list)s",
        "%(count)d questionnaires are not filled in: %(list)s",
        len(measures),
    ) % {"count": len(measures), "list": listed}


def _time_point(code: str) -> str:
    """As ``get_time_point_display``, without the model object."""
    return str(TIME_POINTS.get(code, code))


def _local_date(clinic, moment):
    return moment.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


def _waiting_modules(caseload, clinics=None):
    """(episode, plan, the entry that waits) per plan whose next module waits.

    The plan entries are read by their clinics' range (``plan_current_by_clinic``:
    the entries' copy of their episode's clinic, treatment 0019), the caseload's started,
    not ended episodes whose programme opens modules by hand ("manual") only filtering
    it; whether an episode has started or ended, and its programme's unlock rule, are
    taken from the caseload already read (``UNLOCK_RULE``): the entries were read one
    index descent per episode and joined to the episodes, which the planner took from a
    scan of every episode in the country (issue 16, decision 0064). The episodes' ids
    only filter the range (``among_ids``): as a key of the index they were one descent
    each, a level deeper as the country grew (decision 0069). The query is the same for
    every caseload (its lists are one array each): compiled once per process
    (``rows_for_ids``), its rows plain values (``PlanRow``), not plan entries and module
    versions made into objects (issue 16)."""
    ids = _manual_plans(caseload)
    if not ids:
        return
    clinics = clinics_of(caseload) if clinics is None else clinics
    by_episode: dict[int, list] = defaultdict(list)
    for row in rows_for_ids("inbox.plan_entries", _plan_rows, ids, clinics=clinics):
        by_episode[row[1]].append(PlanRow(*row))
    today: dict[int, dt.date] = {}  # the clinic's date, by clinic
    for episode_id, plan in by_episode.items():
        episode = caseload[episode_id]
        clinic = episode.clinic
        if clinic.pk not in today:
            today[clinic.pk] = plans.clinic_today(clinic)
        waiting = _first_waiting(plan, episode, today[clinic.pk])
        if waiting is not None:
            yield episode, plan, waiting


class PlanRow(NamedTuple):
    """What the inbox reads of a current plan entry: what ``plans.states`` reads, and the
    module's title."""

    pk: int
    episode_id: int
    unlock_on: dt.date | None
    unlocked_at: dt.datetime | None
    completed_at: dt.datetime | None
    title: str
    language: str


# The column of an episode's programme version's unlock rule (None without a version),
# read with the caseload (``worklist.read_caseload``, ``worklist.counted_caseload``,
# ``loaded``, the staff home's ``portal.staff_lists.responsible_for``) as the episode's
# ``programme_unlock_rule``.
UNLOCK_RULE = "programme_version__unlock_rule"
_NOT_READ = object()


def unlock_rule_read_once():
    """``UNLOCK_RULE`` without a join (decision 0079): the rule whose versions hold the
    episode's, one ``IN`` of the few programme versions per rule, each read once into a
    hash by PostgreSQL (a ``hashed SubPlan``). Joined, a caseload estimated at one row
    (the access scope's therapist condition counted twice) read the version table once
    per episode (54 pages at 1M patients, 1 at 1k), whatever the estimate's error."""
    return Case(
        *(
            When(
                programme_version_id__in=ProgrammeVersion.objects.filter(unlock_rule=rule).values(
                    "pk"
                ),
                then=Value(rule),
            )
            for rule in UnlockRule.values
        ),
        default=Value(None),
        output_field=CharField(),
    )


def opens_by_hand(episode) -> bool:
    """Whether the episode's modules wait for the therapist to open them: its programme
    opens them by hand ("manual"), or it has no programme version (as the plan page)."""
    rule = episode.__dict__.get("programme_unlock_rule", _NOT_READ)
    if rule is _NOT_READ:  # read without it: from its programme version (a query)
        version = episode.programme_version
        rule = None if version is None else version.unlock_rule
    return rule is None or rule == "manual"


def _manual_plans(caseload) -> list[int]:
    """The caseload's started, not ended episodes whose modules open by hand."""
    return [
        pk
        for pk, episode in caseload.items()
        if episode.started_on is not None
        and episode.status != Episode.Status.ENDED
        and opens_by_hand(episode)
    ]


def plan_entries(caseload, clinics=None):
    """The current plan entries (``PlanRow`` columns) of the caseload's started, not
    ended episodes whose programme opens modules by hand, by episode and position (a
    queryset; None: no such episode)."""
    ids = _manual_plans(caseload)
    if not ids:
        return None
    return _plan_rows(ids, clinics_of(caseload) if clinics is None else clinics)


def _plan_rows(episodes, clinics):
    return (
        PlanEntry.objects.current()
        .filter(in_ids("clinic", clinics), among_ids("episode", episodes))
        .order_by("episode_id", "position", "id")
        .values_list(
            *(name for name in PlanRow._fields[:-2]),
            "module_version__title",
            "module_version__language",
        )
    )


def count_modules_to_open(caseload, now, clinics=None) -> int:
    return sum(1 for _found in _waiting_modules(caseload, clinics))


def modules_to_open(episodes, now, clinics=None) -> list[Item]:
    """Plans whose programme opens modules by hand ("manual"), where the patient has
    finished every open module and the next one waits for the therapist to open it."""
    return [module_row(found) for found in _waiting_modules(loaded(episodes), clinics)]


def found_modules(caseload, now, clinics=None) -> list:
    """(episode, plan, the entry that waits) of each plan whose next module waits."""
    return list(_waiting_modules(caseload, clinics))


def module_order(found):
    """Where the row of ``found`` is among its kind (as ``new_patient_order``)."""
    episode, plan, waiting = found
    return _waiting_since(episode, plan), f"unlock-{waiting.pk}"


def _waiting_since(episode, plan):
    finished = [e.completed_at for e in plan if e.completed_at]
    return max(finished) if finished else _start(episode)


def module_row(found) -> Item:
    episode, plan, waiting = found
    return Item(
        items.UNLOCK,
        episode,
        partial(_unlock_reason, waiting.title, waiting.language),
        partial(items.url_with_id, "plan", "pk", episode.patient_id),
        OPEN_PLAN,
        _waiting_since(episode, plan),
        key=f"unlock-{waiting.pk}",
    )


def _marked(title: str, language: str) -> str:
    """The title escaped, in a ``lang`` span where it is not in the page's language."""
    return conditional_escape(in_language(title, language))


def _unlock_reason(title: str, language: str) -> str:
    # The module's title marked with its language where the page's differs (WCAG 3.1.2),
    # so the sentence is safe text, escaped here (the inbox's rows keep safe text as is).
    sentence = _("Has finished every open module; “%(module)s” waits for you to open it")
    text = conditional_escape(sentence) % {"module": _marked(title, language)}
    return mark_safe(text)  # noqa: S308 - the sentence and the title escaped above


def _first_waiting(plan, episode, today):
    states = plans.states(plan, unlock_rule="manual", started_on=episode.started_on, today=today)
    if any(s.is_open and not s.is_done for s in states):
        return None  # the patient has something open to work on
    for state in states:
        if not state.is_open:
            # A module with an opening date opens by itself; only one without waits.
            return state.entry if state.opens_on is None else None
    return None


def _start(episode):
    tz = zoneinfo.ZoneInfo(episode.clinic.time_zone)
    return dt.datetime.combine(episode.started_on, dt.time(0), tzinfo=tz)
