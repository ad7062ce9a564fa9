"""What the staff member's home reads (reads only): the caseload table and the overdue
questionnaires of the caseload, each without joining the patients (issue 16).

Both read the episodes' own columns: the patient's name is on the episode (core 0018),
so no patient row is read, and the training patients are left out by their short list
(``EpisodeQuerySet.real``), not by a join on every patient.
"""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from tessera.core.models import Episode
from tessera.inbox.worklist import patient_of
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


def with_patients(episodes) -> list:
    episodes = list(episodes)
    for episode in episodes:
        episode.patient = patient_of(episode)
    return episodes


def overdue(user, now=None, limit: int = OVERDUE_SHOWN) -> list:
    """The oldest questionnaires overdue in the episodes the user is responsible for (as
    ``DueMeasure.objects.visible_to(user).filter(episode__therapist=user).overdue()``),
    each with ``episode`` and its patient. Two queries, neither joined: the episodes with
    their clinic's time zone, then their open dues by the index on (episode,
    completed_at, due_at); "due on an earlier day than today in the clinic's time zone"
    is told here, so no due row is joined to its episode and clinic."""
    now = now or timezone.now()
    episodes = {
        e.pk: e
        for e in Episode.objects.visible_to(user)
        .filter(therapist=user)
        .select_related("clinic")
        .only(
            "id",
            "patient_id",
            "patient_first_name",
            "patient_last_name",
            "clinic_id",
            "clinic__time_zone",
        )
    }
    if not episodes:
        return []
    dues = (
        DueMeasure.objects.filter(episode__in=list(episodes))
        .pending()
        .filter(due_at__lt=now, expires_at__gt=now)
        .only("id", "episode_id", "instrument", "time_point", "due_at")
        .order_by("due_at", "id")
    )
    shown = []
    named = set()
    today: dict[str, object] = {}
    for due in dues:
        episode = episodes[due.episode_id]
        zone = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        if zone.key not in today:
            today[zone.key] = now.astimezone(zone).date()
        if due.due_at.astimezone(zone).date() >= today[zone.key]:
            continue  # due today is not overdue: the patient has until the day ends
        if episode.pk not in named:
            episode.patient = patient_of(episode)
            named.add(episode.pk)
        due.episode = episode
        shown.append(due)
        if len(shown) == limit:
            break
    return shown
