"""Who is told about an alert at each level of escalation (docs/safety.md).

Level 0, at once: the responsible therapist (when the episode has one and they still
work as a therapist at its clinic) and whoever is on the clinic's on-call rota at that
moment (``tessera.core.on_call``). When that is nobody, the clinic managers are told at
once: they are the last fallback, so an alert always reaches a person. Level 1: the
clinic's supervisors (the managers when there are none). Level 2: its clinic managers.

Out of the clinic's working hours an escalation goes to whoever is on the rota at that
moment (level 1), and to them with the managers (level 2): supervisors are not at work
then. With nobody on the rota, the managers are told.

A practice patient's alert (``Patient.is_training``, training mode) is told only to the
therapist practising with it, at every level: never the rota or the managers, who would
be paged for a made-up person (decision 0144).

A therapist on leave at the clinic that day (``StaffLeave``, the clinic's calendar) is
not the one told: the colleague covering them is, when they can open the patient
(the access policy decides) and is not on leave that day too; else nobody in the
therapist's place, and the rules above fall back to the rota and the managers. Only when
those are nobody too is the absent therapist told, not nobody (decisions 0146, 0155).
Of the managers, those at work that day are told; all of them, away or not, only when
every one is away (decision 0160)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import cached_property

from tessera.core import access, on_call
from tessera.core.clinic_dates import near_every_clinic, zone_date
from tessera.core.models import Episode, StaffLeave, User

from . import rules


@dataclass
class ClinicPeople:
    """A clinic's people an alert may reach at one moment, read once for all its open
    alerts (``people_at``): who is on the rota, its active therapists (ids), supervisors
    and managers."""

    on_duty: list[User] = field(default_factory=list)
    therapist_ids: set[int] = field(default_factory=set)
    supervisors: list[User] = field(default_factory=list)
    managers: list[User] = field(default_factory=list)
    away: dict[int, User | None] = field(default_factory=dict)  # on leave: their cover
    # Per cover, the episodes of those they cover here that they may open (read once).
    cover_opens: dict[int, set[int]] = field(default_factory=dict)


def people_at(clinics, at: dt.datetime) -> dict[int, ClinicPeople]:
    """Each clinic's ``ClinicPeople`` at ``at``: one query for the roles of all of them,
    and one per clinic for its rota, however many alerts are open there."""
    clinics = {clinic.pk: clinic for clinic in clinics}
    if not clinics:
        return {}
    people = {pk: ClinicPeople(**found) for pk, found in access.alert_people(list(clinics)).items()}
    for pk, clinic in clinics.items():
        people[pk].on_duty = on_call.on_duty(clinic, at)
    for leave in _leave_at(clinics.values(), at):
        people[leave.clinic_id].away[leave.user_id] = leave.cover
    return people


def _leave_at(clinics, at: dt.datetime) -> list[StaffLeave]:
    """The leave that includes ``at``'s day in each clinic's own calendar (one query)."""
    zones = {clinic.pk: clinic.time_zone for clinic in clinics}
    found = StaffLeave.objects.filter(clinic_id__in=list(zones)).around(near_every_clinic(at))
    return [
        leave
        for leave in found.select_related("cover")
        if leave.includes(zone_date(zones[leave.clinic_id], at))
    ]


def for_level(
    alert, level: int, at: dt.datetime | None = None, people: ClinicPeople | None = None
) -> list[User]:
    """``people``: the clinic's people at ``at`` when the caller has read them already
    (``people_at``: one read per clinic for many alerts); otherwise read here.

    Someone on leave that day (decision 0155) is not told as one on the rota or as a
    supervisor: with nobody else there, the managers are. Of the managers, those at work
    are told; only when every one is away are they told on leave (the last fallback,
    decision 0160), and with no manager the last resort names whoever is on the rota,
    away or not, then the therapist."""
    clinic = alert.episode.clinic
    at = at or timezone.now()
    if is_practice(alert):
        return _therapist(alert, clinic, people)
    read = _Read(clinic, at, people)
    users: set[User] = set()
    if level >= 1 and out_of_hours(clinic, at):
        users.update(read.at_work(read.rota()))
        if level >= 2:
            users.update(read.managers())
    elif level == 0:
        users.update(read.at_work(read.rota()))
        users.update(_therapist_or_cover(alert, clinic, read.away, people))
    elif level == 1:
        users.update(read.at_work(read.supervisors()))
    if not users:
        users.update(read.managers())
    if not users:
        # No active manager either (a closed login the manager guards did not see, the
        # admin site): whoever is on the rota now and the therapist, not nobody
        # (decision 0142). The rota check warns of a clinic without a manager.
        users.update(read.rota())
        users.update(_therapist_or_cover(alert, clinic, read.away, people))
        if not users:
            users.update(_therapist(alert, clinic, people))  # on leave, but not nobody
    return sorted(users, key=lambda u: u.pk)


class _Read:
    """A clinic's people for one alert: from ``people`` when the sweep read them for many
    alerts, else read here when asked (the day's leave in one query, only when someone
    could be on it: one on the rota, a supervisor, or the therapist)."""

    def __init__(self, clinic, at: dt.datetime, people: ClinicPeople | None):
        self.clinic, self.at, self.people = clinic, at, people

    @cached_property
    def away(self) -> dict[int, User | None]:
        """Who is on leave at the clinic that day, and their cover."""
        if self.people is not None:
            return self.people.away
        return {leave.user_id: leave.cover for leave in _leave_at([self.clinic], self.at)}

    def at_work(self, found) -> list[User]:
        found = list(found)
        return [user for user in found if user.pk not in self.away] if found else []

    def rota(self) -> list[User]:
        if self.people is None:
            return on_call.on_duty(self.clinic, self.at)
        return self.people.on_duty

    def supervisors(self) -> list[User]:
        if self.people is None:
            roles = access.alert_recipient_roles(self.clinic.pk, 1).select_related("user")
            return [role.user for role in roles]
        return self.people.supervisors

    def managers(self) -> list[User]:
        """The clinic's managers at work that day; all of them, away or not, when every
        one is on leave: the last fallback (decision 0160)."""
        found = on_call.managers(self.clinic) if self.people is None else self.people.managers
        return self.at_work(found) or list(found)


def is_practice(alert) -> bool:
    """Whether the alert is on a practice patient (training mode, decision 0144)."""
    return alert.episode.patient.is_training


def _therapist_or_cover(alert, clinic, away: dict, people: ClinicPeople | None) -> list[User]:
    """The responsible therapist; while they are on leave (``away``: who is, and their
    cover), the colleague covering them when that colleague can open the patient and is
    not on leave that day themself, else nobody (decisions 0146, 0155). One rule whether
    ``people`` was read for the sweep or not (then two queries for a cover's access)."""
    told = _therapist(alert, clinic, people)
    if not told:
        return []
    if told[0].pk not in away:
        return told
    cover = away[told[0].pk]
    if cover is None or not cover.is_active or cover.pk in away:
        return []  # no cover, a closed login, or the cover is away too
    if people is not None:
        opens = alert.episode_id in _cover_opens(people, clinic, cover)
    else:
        opens = bool(access.openable_episode_ids(cover, [alert.episode_id]))
    return [cover] if opens else []


def _cover_opens(people: ClinicPeople, clinic, cover: User) -> set[int]:
    """The episodes of everyone ``cover`` covers at the clinic that the access policy
    lets them open: one query per cover and sweep, however many alerts they wait on."""
    if cover.pk not in people.cover_opens:
        covered = [pk for pk, who in people.away.items() if who is not None and who.pk == cover.pk]
        episodes = Episode.objects.filter(clinic_id=clinic.pk, therapist_id__in=covered)
        people.cover_opens[cover.pk] = set(
            access.episodes_visible_to(cover, episodes).values_list("pk", flat=True)
        )
    return people.cover_opens[cover.pk]


def _therapist(alert, clinic, people: ClinicPeople | None = None) -> list[User]:
    """The responsible therapist, only while they still work as a therapist at the
    clinic: one who lost the role (or left) can no longer open the alert, and telling
    them alone told nobody until the first escalation (the managers are told instead)."""
    therapist = alert.episode.therapist if alert.episode.therapist_id else None
    if therapist is None or not therapist.is_active:
        return []
    if people is not None:
        return [therapist] if therapist.pk in people.therapist_ids else []
    if access.is_therapist_at(therapist, clinic.pk):
        return [therapist]
    return []


def out_of_hours(clinic, at: dt.datetime) -> bool:
    return not rules.is_open(clinic, at)
