"""Inactive patients and reliable deterioration, for a whole caseload at once.

Inactivity: the newest of the patient's own doings (a message they sent, a worksheet
saved, a questionnaire submitted, a module opened or completed; ``with_last_activity``
is the definition) is kept per episode by the database (``treatment.EpisodeActivity``,
treatment 0015), and read by the caseload's clinics' range of kept rows (issue 16: a
subquery per source cost five index descents per episode; decisions 0053, 0057); a
patient of an episode in treatment whose newest doing (or the start of treatment, when
there is none) is older than the clinic's ``inactive_after_days`` is listed.

Deterioration: one query for the caseload, which returns per episode and instrument only
the two scored responses compared (picked by window functions in the database): the
latest total is compared with the first one (the "before treatment" one when there is
one) by the instrument's own reliable change rule
(``instruments.scoring.reliable_change_for``: Jacobson & Truax 1991 RCI, or the points
rule its definition cites, e.g. 6 points for PHQ-9 in NHS Talking Therapies).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache, partial
from types import SimpleNamespace

from django.db.models import Case, F, OuterRef, Subquery, When, Window
from django.db.models.functions import FirstValue, RowNumber
from django.utils.translation import gettext_lazy

from tessera.core.id_lists import among_ids, in_ids, rows_for_ids
from tessera.core.models import Episode
from tessera.instruments.scoring import (
    UnknownInstrumentError,
    load_definition,
    reliable_change_for,
)
from tessera.instruments.time_points import TimePoint
from tessera.messaging.models import Message
from tessera.treatment.latest_scores import baseline  # noqa: F401 (also used as activity.baseline)
from tessera.treatment.models import (
    DueMeasure,
    EpisodeActivity,
    PlanEntry,
    Response,
    WorksheetAnswer,
)

from . import collect, items
from .items import Item
from .words import gettext as _
from .words import ngettext

# The links' texts, translated when a row is shown (``items.Item``).
WRITE_TO_PATIENT = gettext_lazy("Write to the patient")
SEE_SCORES = gettext_lazy("See the scores")

SOURCES = {
    "last_message": gettext_lazy("sent a message"),
    "last_worksheet": gettext_lazy("wrote in a worksheet"),
    "last_response": gettext_lazy("filled in a questionnaire"),
    "last_module": gettext_lazy("opened a module"),
    "last_completed": gettext_lazy("completed a module"),
}


def _newest(qs, field: str):
    return Subquery(qs.order_by(f"-{field}").values(field)[:1])


def with_last_activity(episodes):
    """Episodes annotated with the time of each kind of patient activity (one query, five
    subqueries per episode): the definition that ``EpisodeActivity`` keeps, for checking
    it (``kept`` reads the kept one)."""
    here = OuterRef("pk")
    return episodes.annotate(
        last_message=_newest(Message.objects.filter(episode=here, from_patient=True), "sent_at"),
        last_worksheet=_newest(WorksheetAnswer.objects.filter(entry__episode=here), "updated_at"),
        last_response=_newest(Response.objects.filter(episode=here), "submitted_at"),
        last_module=_newest(
            PlanEntry.objects.filter(episode=here, started_at__isnull=False), "started_at"
        ),
        last_completed=_newest(
            PlanEntry.objects.filter(episode=here, completed_at__isnull=False), "completed_at"
        ),
    )


def kept(episode_ids, clinics) -> dict[int, tuple[dt.datetime, str]]:
    """(newest activity, what it was) by episode id, for those with any: one query, by
    the range of kept rows of ``clinics``, the episodes' clinics (``activity_by_clinic``;
    one primary-key descent per episode grew a level deeper with the country, decisions
    0053, 0057). The ids only filter the range (``among_ids``): as a key the planner
    still took a therapist's few dozen episodes by the primary key (decision 0069)."""
    rows = rows_for_ids("inbox.kept_activity", _kept_rows, episode_ids, clinics=clinics)
    return {pk: (at, source) for pk, at, source in rows}


def _kept_rows(episode_ids, clinics):
    return EpisodeActivity.objects.filter(
        in_ids("clinic", clinics), among_ids("episode", episode_ids)
    ).values_list("episode_id", "at", "source")


def _newest_of(moments: dict) -> tuple[dt.datetime | None, str]:
    """(newest moment, its name) of ``with_last_activity``'s annotations by name: the
    definition the kept row is checked against."""
    found = [(moment, name) for name, moment in moments.items() if moment]
    if not found:
        return None, ""
    moment, name = max(found)
    return moment, name


def _inactive(caseload, now, clinics=None):
    """(episode, newest activity, what it was) of the caseload's inactive patients."""
    # The caseload's episodes are loaded with their status: only the kept times are read
    # (by the clinics' range of kept rows; issue 16).
    in_treatment = [pk for pk, e in caseload.items() if e.status == Episode.Status.ACTIVE]
    clinics = clinics or collect.clinics_of(caseload)
    newest = kept(in_treatment, clinics) if in_treatment else {}
    for pk in in_treatment:
        episode = caseload[pk]
        moment, source = newest.get(pk, (None, ""))
        tz = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        if moment is None:
            start = episode.started_on or episode.created_at.astimezone(tz).date()
            moment = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
        if now - moment < dt.timedelta(days=episode.clinic.inactive_after_days):
            continue
        yield episode, moment, source


def count_inactive_patients(caseload, now, clinics=None) -> int:
    return sum(1 for _found in _inactive(caseload, now, clinics))


def inactive_patients(episodes, now, clinics=None) -> list[Item]:
    caseload = collect.loaded(episodes)
    return [inactive_row(found, now) for found in _inactive(caseload, now, clinics)]


def found_inactive(caseload, now, clinics=None) -> list:
    """(episode, newest activity, what it was) of each inactive patient."""
    return list(_inactive(caseload, now, clinics))


def inactive_order(found):
    """Where the row of ``found`` is among its kind (``collect.new_patient_order``)."""
    episode, moment, _source = found
    return moment, f"inactive-{episode.pk}"


def inactive_row(found, now) -> Item:
    episode, moment, source = found
    return Item(
        items.INACTIVE,
        episode,
        partial(_inactive_reason, episode, moment, source, now),
        partial(items.messages_url, episode.pk),
        WRITE_TO_PATIENT,
        moment,
        key=f"inactive-{episode.pk}",
    )


def _inactive_reason(episode, moment, source, now) -> str:
    days = (now - moment).days
    if source:
        tz = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        return ngettext(
            "No activity for %(days)d day (last %(what)s on %(date)s)",
            "No activity for %(days)d days (last %(what)s on %(date)s)",
            days,
        ) % {"days": days, "what": SOURCES[source], "date": moment.astimezone(tz).date()}
    return ngettext(
        "No activity in the %(days)d day since treatment started",
        "No activity in the %(days)d days since treatment started",
        days,
    ) % {"days": days}


def deteriorations(episodes, now, clinics=None) -> list[Item]:
    """One query: per episode and instrument only the two responses compared (the
    baseline and the latest, picked by window functions in the database), not every
    response of the caseload (ten a patient, each with its episode, patient, clinic and
    therapist made into objects, was most of the inbox's time; issue 16)."""
    caseload = collect.loaded(episodes)
    return [_deterioration_row(*found) for found in _deteriorated(caseload, clinics)]


def found_deteriorations(caseload, now, clinics=None) -> list:
    """(definition, baseline, latest) of each series that reliably deteriorated."""
    return list(_deteriorated(caseload, clinics))


def deterioration_order(found):
    """Where the row of ``found`` is among its kind (``collect.new_patient_order``)."""
    _definition, _first, latest = found
    return latest.submitted_at, f"deterioration-{latest.pk}"


def deterioration_row(found) -> Item:
    return _deterioration_row(*found)


def count_deteriorations(caseload, now, clinics=None) -> int:
    return sum(1 for _found in _deteriorated(caseload, clinics))


def _deteriorated(caseload, clinics=None):
    """(definition, baseline, latest) of every series of the caseload that reliably
    deteriorated, read by the ranges of ``clinics``, the caseload's clinics
    (``response_scored_by_clinic`` and ``due_pre_by_clinic``, decisions 0053, 0057)."""
    rows = rows_for_ids(
        "inbox.deteriorations",
        _compared_responses,
        caseload,
        clinics=clinics or collect.clinics_of(caseload),
    )
    # One row per series that rose (decision 0059): plain values, not model objects.
    for pk, episode_id, code, total, at, first_pk, first_total, first_at in rows:
        episode = caseload[episode_id]
        first = SimpleNamespace(pk=first_pk, total=first_total, submitted_at=first_at)
        latest = SimpleNamespace(pk=pk, total=total, submitted_at=at, episode=episode)
        first.episode = episode
        found = _rise_found(code, first, latest)
        if found is not None:
            yield found


def _compared_responses(episodes, clinics):
    """Per episode and instrument whose latest scored response is higher than its
    baseline, one row: the latest (pk, episode id, instrument, total, submitted at) and
    the baseline's (pk, total, submitted at), read by the clinics' ranges: the scored
    responses of the clinics, filtered to the caseload's, and the clinics' "before
    treatment" questionnaires, run once (a response's questionnaire is its own
    episode's; joining every response to its due row read the whole due table of the
    country, or one index descent per response)."""
    pre_dues = DueMeasure.objects.filter(
        in_ids("clinic", clinics), time_point=TimePoint.PRE
    ).values("pk")
    scored = Response.objects.filter(
        in_ids("clinic", clinics), among_ids("episode", episodes), total__isnull=False
    )
    return _compared(scored, pre_dues)


def _compared(scored, pre_dues):
    """The latest response of each series (episode, instrument) with its baseline's
    columns beside it (window functions), only where the latest total is higher and
    later: a deterioration is a rise (``reliable_change_for`` scores higher as worse),
    so the other series cannot be one, and the database leaves them out (decision 0059:
    two rows per series of the caseload, made into Python objects and checked, were
    most of the staff home's deterioration check)."""
    series_of = [F("episode_id"), F("instrument")]
    pre_first = Case(When(due_id__in=pre_dues, then=0), default=1)
    # The "before treatment" one when there is one, else the first (``baseline``).
    baseline_order = [pre_first.asc(), F("submitted_at").asc(), F("id").asc()]

    def first_of(column):
        return Window(FirstValue(column), partition_by=series_of, order_by=baseline_order)

    return (
        scored.annotate(
            latest_rank=Window(
                RowNumber(),
                partition_by=series_of,
                order_by=[F("submitted_at").desc(), F("id").desc()],
            ),
            first_pk=first_of("id"),
            first_total=first_of("total"),
            first_at=first_of("submitted_at"),
        )
        .filter(latest_rank=1, total__gt=F("first_total"), submitted_at__gt=F("first_at"))
        .order_by("episode_id", "instrument")
        .values_list(
            "pk",
            "episode_id",
            "instrument",
            "total",
            "submitted_at",
            "first_pk",
            "first_total",
            "first_at",
        )
    )


def _deterioration(code: str, scores) -> Item | None:
    """The inbox row of one series (baseline first, latest last), if it reliably rose."""
    found = _reliable_rise(code, scores)
    return None if found is None else _deterioration_row(*found)


def _reliable_rise(code: str, scores):
    first, latest = baseline(scores), scores[-1]
    if latest.pk == first.pk or latest.submitted_at <= first.submitted_at:
        return None
    return _rise_found(code, first, latest)


def _rise_found(code: str, first, latest):
    """(definition, first, latest) when the rise from ``first`` to ``latest`` (a later
    response) is a reliable deterioration by the instrument's rule, else None."""
    if not _deteriorates(code, first.total, latest.total):
        return None
    return load_definition(code), first, latest


@lru_cache(maxsize=4096)
def _deteriorates(code: str, first, latest) -> bool:
    """``reliable_change_for``'s verdict on the instrument's definition, kept per process
    for each pair of totals (a caseload repeats the same few dozen pairs; decision
    0059). False for an unknown instrument."""
    try:
        definition = load_definition(code)
    except UnknownInstrumentError:
        return False
    change = reliable_change_for(definition, first, latest)
    return change is not None and change.direction == "deteriorated"


def _deterioration_reason(definition, first, latest) -> str:
    tz = zoneinfo.ZoneInfo(latest.episode.clinic.time_zone)
    return _(
        "%(instrument)s rose from %(first)s (%(first_date)s) to %(latest)s (%(latest_date)s): "
        "a reliable deterioration"
    ) % {
        "instrument": definition.code,
        "first": first.total,
        "first_date": first.submitted_at.astimezone(tz).date(),
        "latest": latest.total,
        "latest_date": latest.submitted_at.astimezone(tz).date(),
    }


def _deterioration_row(definition, first, latest) -> Item:
    episode = latest.episode
    return Item(
        items.DETERIORATION,
        episode,
        partial(_deterioration_reason, definition, first, latest),
        partial(items.overview_url, episode.pk, "scores"),
        SEE_SCORES,
        latest.submitted_at,
        key=f"deterioration-{latest.pk}",
    )
