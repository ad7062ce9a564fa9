"""Whose inbox: a therapist's own caseload, or a team's for supervisors and managers.

The episodes always come from ``Episode.objects.visible_to(user)`` (the access policy);
this module only narrows them: open episodes of real patients (training patients are
left out), of one therapist or of every therapist of the clinics the user supervises or
manages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import OuterRef, Q
from django.utils import timezone

from tessera.core import access, clinic_dates
from tessera.core.models import Episode
from tessera.messaging.models import Message

from . import scoped

ALL = "all"
UNASSIGNED = "none"  # the patients without a therapist (unguided care)


def has_inbox(user) -> bool:
    """No query: the roles are cached on the user (``access.has_inbox``)."""
    return access.has_inbox(user)


def team_clinic_ids(user) -> set[int]:
    """Clinics whose whole team's inbox the user may open (``access.team_clinic_ids``)."""
    return access.team_clinic_ids(user)


@dataclass(frozen=True)
class Choice:
    """Whose inbox is shown: ``therapist`` is a user, or None for the whole team."""

    therapist: object | None
    team: bool
    unassigned: bool = False


def team_therapists(user) -> list:
    """Therapists of the clinics the user supervises or manages, by name (one query):
    users made from their roles' copy of the name, e-mail and whether they may sign in
    (core 0023), the other fields deferred. The clinics' range of the roles, not one
    lookup of the user table per therapist (decision 0064)."""
    clinics = team_clinic_ids(user)
    if not clinics:
        return []
    return access.users_of(
        access.therapist_roles(clinics).order_by("user_last_name", "user_first_name", "user_email")
    )


def choose(user, wanted: str | None, therapists: list) -> Choice:
    """The therapist asked for (``?therapist=<id>``, ``all`` or ``none``), if the user may
    see it; a therapist's own inbox otherwise, or the team's for someone who is not a
    therapist (also at a clinic without therapists, where the patients are unguided)."""
    own = access.has_own_inbox(user)
    team = bool(team_clinic_ids(user))
    if team and wanted:
        if wanted == ALL:
            return Choice(None, team=True)
        if wanted == UNASSIGNED:
            return Choice(None, team=True, unassigned=True)
        for person in therapists:
            if str(person.pk) == wanted:
                return Choice(person, team=True)
    if own:
        return Choice(user, team=False)
    return Choice(None, team=team)


def patient_waits():
    """The outer episode's (``OuterRef("pk")``) patient messages waiting for a reply, for
    ``Exists``: an ended episode stays in the inbox while one waits (``caseload``)."""
    return Message.objects.filter(episode=OuterRef("pk")).awaiting_reply()


def waiting_in(clinics):
    """The episode ids of the clinics' patient messages waiting for a reply (by the
    clinics' range of ``message_waiting_by_clinic``, decision 0053)."""
    return Message.objects.awaiting_reply().filter(clinic__id__in=clinics).values("episode_id")


def caseload(user, choice: Choice):
    """The episodes of real patients in this inbox (a queryset, not evaluated): open
    ones, and ended ones while their patient may still write (until ``read_only_from``),
    so that a message sent after the end reaches a person (issue 14), and for as long as
    a message of theirs waits for a reply: one sent on the last day it could be written
    stays until it is answered, not only until midnight (and for a clinic west of the
    server, whose last day ends an hour after the server's)."""
    values, flags = _caseload_values(user, choice)
    return _narrow(Episode.objects.visible_to(user), *values, flags)


def caseload_rows(user, choice: Choice, columns) -> list[tuple]:
    """``list(caseload(user, choice).values_list(*columns))``, its SQL compiled once per
    shape of the user's scope (``scoped.read``, decision 0078): the inbox's and the
    staff home's read of the caseload, on every request (issue 16)."""
    values, flags = _caseload_values(user, choice)
    return scoped.read("inbox.caseload", user, _narrow, *values, flags=(*flags, tuple(columns)))


@dataclass(frozen=True)
class CaseloadRead:
    """The caseload of ``caseload`` read by ``caseload_rows``: what ``worklist.build``
    and ``worklist.tally`` ask of a queryset (``values_list`` and ``db``)."""

    user: object
    choice: Choice
    db: str = DEFAULT_DB_ALIAS

    def values_list(self, *columns) -> list[tuple]:
        return caseload_rows(self.user, self.choice, columns)


def _caseload_values(user, choice: Choice) -> tuple[list, tuple]:
    """``_narrow``'s values (the clinics of the waiting messages, the team's clinics, the
    therapist's id, the ids of those whose leave they cover today, then for each day it is
    at some of the user's clinics those clinics and the day) and flags (team,
    unassigned, one therapist)."""
    # The clinics' waiting messages, one range of their index each, not one lookup per
    # ended episode (decisions 0053, 0057): a team's clinics, or every clinic of the
    # user's roles, where all the episodes of their scope are.
    team = sorted(team_clinic_ids(user)) if choice.team else []
    waits = team if choice.team else sorted(access.staff_clinic_ids(user))
    therapist = choice.therapist.pk if choice.therapist is not None else 0
    # Their own inbox shows the patients of those whose leave they cover today with a
    # message waiting for a reply (decision 0160's follow-up); a team's shows them anyway.
    own = not choice.team and choice.therapist is not None and choice.therapist.pk == user.pk
    covered = access.covered_today(user) if own else []
    flags = (choice.team, choice.unassigned, choice.therapist is not None)
    return [waits, team, therapist, covered, *_clinic_days(user)], flags


def _clinic_days(user) -> list:
    """[clinic ids, day, clinic ids, day, ...]: the user's role clinics by the day it is
    at each (its own time zone, no query: ``access.role_clinic_zones``), so that an
    ended course may be written in until its ``read_only_from`` on its clinic's
    calendar, not the reader's (decision 0109: a therapist of a Scottish and a Swedish
    clinic saw one of them end an hour early or late). Nearly always one day."""
    zones = access.role_clinic_zones(user)
    now = timezone.now()
    reader = timezone.localdate(now)
    days: dict = {}
    for clinic_id in sorted(access.staff_clinic_ids(user)):
        zone = zones.get(clinic_id)
        day = clinic_dates.zone_date(zone, now) if zone else reader
        days.setdefault(day, []).append(clinic_id)
    return [value for day in sorted(days) for value in (days[day], day)]


def _narrow(episodes, waits, team, therapist_id, covered, *clinic_days_and_flags):
    """``caseload``'s episodes out of the user's scope (``episodes``); the values as
    filter values only, the flags (last) in the logic (``scoped.read``)."""
    *clinic_days, flags = clinic_days_and_flags
    is_team, unassigned, one_therapist = flags[:3]
    columns = flags[3] if len(flags) > 3 else None
    waiting = Q(pk__in=waiting_in(waits))
    # Still writing: before its read-only day at its clinic (every episode of a staff
    # scope is at a clinic of the user's roles, ``access.staff_clinic_ids``).
    before = Q(pk__in=[])
    for ids, day in zip(clinic_days[::2], clinic_days[1::2], strict=True):
        before |= Q(clinic__id__in=ids, read_only_from__gt=day)
    writing = Q(status=Episode.Status.ENDED) & (before | waiting)
    episodes = episodes.filter(~Q(status=Episode.Status.ENDED) | writing).real()
    if is_team:
        episodes = episodes.filter(clinic__id__in=team)
        if unassigned:
            episodes = episodes.filter(therapist__isnull=True)
        elif one_therapist:
            episodes = episodes.filter(therapist_id=therapist_id)
    elif not one_therapist:
        episodes = episodes.none()
    elif covered:  # a list's length is part of a compiled read's shape
        episodes = episodes.filter(
            Q(therapist_id=therapist_id) | (Q(therapist__id__in=covered) & waiting)
        )
    else:
        episodes = episodes.filter(therapist_id=therapist_id)
    return episodes if columns is None else episodes.values_list(*columns)
