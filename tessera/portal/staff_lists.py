"""What the staff member's home reads (reads only): the caseload table and the overdue
questionnaires of the caseload, each without joining the patients (issue 16).

Both read the episodes' own columns: the patient's name is on the episode (core 0018),
so no patient row is read, and the training patients are left out by their short list
(``EpisodeQuerySet.real``), not by a join on every patient.
"""

from __future__ import annotations

import zoneinfo

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from tessera.core import access
from tessera.core.id_lists import rows_for_ids
from tessera.core.models import Clinic, Episode
from tessera.core.models.episodes import training_patient_ids
from tessera.inbox import scoped
from tessera.inbox.collect import open_past_due, unlock_rule_read_once
from tessera.inbox.items import url_with_id
from tessera.inbox.scope import waiting_in
from tessera.inbox.worklist import CLINIC_NOT_SHOWN, loaded_row, patient_of
from tessera.treatment.models import DueMeasure

OVERDUE_SHOWN = 20


def caseload(user):
    """The open episodes of real patients the user is responsible for, newest first (a
    queryset for the paginator), with the clinic; ``with_patients`` gives each page's
    episodes their patient from the episode's own copy of the name."""
    return (
        Episode.objects.visible_to(user)
        .filter(therapist=user)
        .real()
        .open()
        .select_related("clinic")
        .defer("clinic__languages", "clinic__rate_limits")
    )


def responsible_for(user, clinics: dict | None = None) -> list:
    """Every episode the user may see and is the therapist of, newest first, with the
    clinic, ``is_training`` and ``patient_waits`` (a patient message waits for a reply):
    read once per request and shared by the caseload table (``open_real``), the overdue
    list (``overdue(..., episodes=)``) and the inbox counts of a therapist's own inbox
    (issue 16: the staff home read them three times).

    ``clinics``: the user's clinics by id when the page has read them (the staff home's
    memberships): the episodes get theirs from it instead of a join, which read the
    clinic table once per episode and grew with the country's clinics (decision 0057).
    Whether a message waits is one range of the user's clinics' waiting messages, not
    one index descent per episode (every episode of a staff scope is at a clinic of
    the user's roles: ``access.staff_clinic_ids``)."""
    if clinics is None:
        episodes = _responsible(
            Episode.objects.visible_to(user), user.pk, sorted(access.staff_clinic_ids(user)), ()
        )
        return list(
            episodes.select_related("clinic").defer(*(f"clinic__{f}" for f in CLINIC_NOT_SHOWN))
        )
    # As rows, each episode made without ``Model.__init__`` (``worklist.loaded_row``,
    # every column read: nothing deferred): fifty episodes' ``__init__`` was a sixth of
    # this read (issue 16). The SQL compiled once per shape of the user's scope
    # (``inbox.scoped``, decision 0078): building and compiling the scope was a sixth of
    # the therapist's staff home.
    rows = scoped.read(
        "portal.responsible",
        user,
        _responsible,
        user.pk,
        sorted(access.staff_clinic_ids(user)),
        flags=("rows",),
    )
    episodes = [loaded_row(Episode, DEFAULT_DB_ALIAS, _RESPONSIBLE_ATTRS, row) for row in rows]
    missing = {e.clinic_id for e in episodes} - set(clinics)
    if missing:  # (not at a clinic of the user's roles: not in a staff scope; read them)
        clinics = {**clinics, **Clinic.objects.in_bulk(missing)}
    clinic_field = Episode.clinic.field
    for episode in episodes:
        clinic_field.set_cached_value(episode, clinics[episode.clinic_id])
    return episodes


def _responsible(episodes, user_id, staff_clinics, flags):
    """``responsible_for``'s episodes out of the user's scope (``episodes``), annotated;
    as rows with ``flags == ("rows",)``."""
    episodes = episodes.filter(therapist_id=user_id).annotate(
        is_training=ExpressionWrapper(
            Q(patient_id__in=training_patient_ids()), output_field=BooleanField()
        ),
        patient_waits=ExpressionWrapper(
            Q(pk__in=waiting_in(staff_clinics)), output_field=BooleanField()
        ),
        # The inbox counts' modules waiting to be opened (``collect.opens_by_hand``).
        programme_unlock_rule=unlock_rule_read_once(),
    )
    if flags == ("rows",):
        return episodes.values_list(*_EPISODE_COLUMNS, *_RESPONSIBLE_ANNOTATIONS)
    return episodes


_EPISODE_COLUMNS = tuple(field.attname for field in Episode._meta.concrete_fields)
_RESPONSIBLE_ANNOTATIONS = ("is_training", "patient_waits", "programme_unlock_rule")
_RESPONSIBLE_ATTRS = (*_EPISODE_COLUMNS, *_RESPONSIBLE_ANNOTATIONS)


def open_real(episodes) -> list:
    """``caseload``'s episodes out of ``responsible_for``'s, in the same order."""
    return [e for e in episodes if e.status != Episode.Status.ENDED and not e.is_training]


def with_patients(episodes) -> list:
    """The episodes, each with its patient, ``detail_href``, the patient's record (a
    pattern filled in, not ``{% url %}`` per row; issue 16), and ``status_label``
    (``get_status_display``, made once per status, not per row)."""
    episodes = list(episodes)
    labels: dict[str, str] = {}
    for episode in episodes:
        episode.patient = patient_of(episode)
        episode.detail_href = url_with_id("patient_detail", "pk", episode.patient_id)
        label = labels.get(episode.status)
        if label is None:
            label = labels[episode.status] = episode.get_status_display()
        episode.status_label = label
    return episodes


def overdue(user, now=None, limit: int = OVERDUE_SHOWN, *, episodes=None) -> list:
    """The patients with questionnaires overdue in the episodes the user is responsible
    for (as ``DueMeasure.objects.visible_to(user).filter(episode__therapist=user)
    .overdue()``), oldest first, each the oldest questionnaire with ``episode``, its
    patient and ``instruments``. Two queries, neither joined: the episodes with
    their clinic's time zone, then their open dues by the index on (episode,
    completed_at, due_at); "due on an earlier day than today in the clinic's time zone"
    is told here, so no due row is joined to its episode and clinic. ``episodes``:
    ``responsible_for(user)`` when already read (then one query)."""
    now = now or timezone.now()
    if episodes is not None:
        episodes = {e.pk: e for e in episodes}
    else:
        episodes = _responsible_times(user)
    if not episodes:
        return []
    return _overdue(episodes, now, limit)


def _responsible_times(user) -> dict:
    return {
        e.pk: e
        for e in Episode.objects.visible_to(user)
        .filter(therapist=user)
        .select_related("clinic")
        .only(
            "id",
            "patient_id",
            "patient_first_name",
            "patient_last_name",
            "patient_date_of_birth",  # what tells namesakes apart (decision 0128)
            "clinic_id",
            "clinic__time_zone",
        )
    }


# What the overdue list reads of a questionnaire (``collect.open_past_due``'s columns).
OVERDUE_COLUMNS = ("id", "episode_id", "due_at", "instrument", "time_point")


def _overdue(episodes: dict, now, limit: int) -> list:
    """One row a patient (an episode), as the inbox has (issue 20): the oldest overdue
    questionnaire, with ``instruments`` the codes of all of the episode's overdue ones in
    the order they were due. The home page said "Overdue questionnaires: 1" in the inbox's
    counts above a list of two (one patient's GAD-7 and PHQ-9). ``limit`` patients."""
    # By the episodes' clinics' range of open questionnaires, which holds every column
    # read here (``due_open_by_clinic``, decision 0057), not one descent per episode:
    # the inbox's own read (``collect.open_past_due``), its SQL compiled once per process
    # and each row made into a questionnaire without ``Model.__init__`` (issue 16).
    clinics = sorted({e.clinic_id for e in episodes.values()})
    dues = rows_for_ids("inbox.overdue", open_past_due, episodes, now, clinics=clinics)
    shown = {}
    today: dict[str, object] = {}
    for row in dues:
        due_at = row[2]
        episode = episodes[row[1]]
        zone = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        if zone.key not in today:
            today[zone.key] = now.astimezone(zone).date()
        if due_at.astimezone(zone).date() >= today[zone.key]:
            continue  # due today is not overdue: the patient has until the day ends
        first = shown.get(episode.pk)
        if first is not None:
            if row[3] not in first.instruments:
                first.instruments.append(row[3])
            continue
        if len(shown) == limit:
            continue  # a patient past the limit; those shown may have more rows to come
        episode.patient = patient_of(episode)
        # A questionnaire made from its row as ``.only(*OVERDUE_COLUMNS)`` made it.
        due = loaded_row(DueMeasure, DEFAULT_DB_ALIAS, OVERDUE_COLUMNS, row)
        due.episode = episode
        due.instruments = [row[3]]
        due.measures_href = url_with_id("patient_measures", "pk", episode.patient_id)
        shown[episode.pk] = due
    return list(shown.values())
