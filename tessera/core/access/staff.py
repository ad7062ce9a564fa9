"""Who works in which role at a clinic: the people a case, a session or a figure may be
given to. These are lists to choose from, not decisions about patient data.

- Cases and sessions go to the clinic's therapists; workload figures are theirs.
- A request to "the supervisor" goes to the clinic's supervisors; a colleague asked
  for consultation holds a clinical role at the clinic.
"""

from __future__ import annotations

from django.db.models import Q

from tessera.core.roles import CLINICAL_ROLES, Role

from .base import clinic_ids_with_roles, role_clinic_zones


def therapist_roles(clinic_ids):
    """The therapist roles (ClinicRole rows, not evaluated) at these clinics. (By
    ``clinic__id``: the same SQL as ``clinic_id``, and it takes a compiled read's
    placeholders, ``core.prepared``.)"""
    from tessera.core.models import ClinicRole

    return ClinicRole.objects.filter(clinic__id__in=list(clinic_ids), role=Role.THERAPIST)


def active_therapists_by_name(clinic) -> list:
    """The clinic's active therapists as a list of users, by first and last name (one
    query): made from their roles' copy of the name, e-mail and whether they may sign
    in (core 0023), the other fields deferred. One range of the clinic's roles, the
    same at any size of the country; ``therapists`` (a queryset, for forms) joins the
    user table, which the planner hashed whole or read by key per therapist, a level
    deeper as the country's staff grew (issue 16)."""
    roles = therapist_roles([clinic.pk]).filter(user_is_active=True)
    return users_of(roles.order_by("user_first_name", "user_last_name", "user_id"))


def users_of(roles) -> list:
    """Each user of these roles (a ``ClinicRole`` queryset) once, in the roles' order,
    made from the roles' copy of the user (core 0023): one query, none of the user
    table."""
    from tessera.core.models import ClinicRole

    seen, people = set(), []
    for values in roles.values_list(*ClinicRole.KEPT_USER):
        if values[0] not in seen:
            seen.add(values[0])
            people.append(ClinicRole.kept_user(roles.db, values))
    return people


def therapists(clinic):
    """Active therapists of the clinic (a User queryset)."""
    from tessera.core.models import User

    return User.objects.filter(
        clinic_roles__clinic=clinic, clinic_roles__role=Role.THERAPIST, is_active=True
    )


def is_therapist_at(user, clinic_id: int) -> bool:
    """Whether the user works as a therapist at the clinic (sessions are booked with them)."""
    return clinic_id in clinic_ids_with_roles(user, [Role.THERAPIST])


def takes_caseload(user) -> bool:
    """Whether patients are assigned to the user somewhere: a therapist at any clinic (no
    query: the roles are cached). Their home shows their caseload, empty or not."""
    return bool(clinic_ids_with_roles(user, [Role.THERAPIST]))


def supervisors(clinic_id: int):
    """Active supervisors of the clinic (a User queryset, distinct)."""
    from tessera.core.models import User

    return User.objects.filter(
        is_active=True, clinic_roles__clinic_id=clinic_id, clinic_roles__role=Role.SUPERVISOR
    ).distinct()


def security_contact_roles(clinic_ids):
    """Who hears of a burst of security events at these clinics: their active managers
    (ClinicRole rows with the user, not evaluated)."""
    from tessera.core.models import ClinicRole

    return ClinicRole.objects.filter(
        clinic_id__in=list(clinic_ids), role=Role.CLINIC_MANAGER, user__is_active=True
    ).select_related("user")


def clinical_staff(clinic_id: int):
    """Active staff with a clinical role at the clinic (a User queryset, distinct): the
    colleagues a therapist may consult."""
    from tessera.core.models import User

    return User.objects.filter(
        is_active=True, clinic_roles__clinic_id=clinic_id, clinic_roles__role__in=CLINICAL_ROLES
    ).distinct()


def still_works_as_therapist(therapist="therapist", clinic="clinic"):
    """An ``Exists`` for a queryset whose rows name a therapist and a clinic (the paths
    given): whether that person still works as a therapist at that clinic, their account
    open. Its negation is "the therapist has left" (offboarded, role removed, account
    closed), for episodes as for the sessions booked with them."""
    from django.db.models import Exists, OuterRef

    from tessera.core.models import ClinicRole

    return Exists(
        ClinicRole.objects.filter(
            role=Role.THERAPIST,
            user=OuterRef(therapist),
            clinic=OuterRef(clinic),
            # The role's copy (core 0023): joined to the user table, the planner hashed
            # every user of the country for each test (issue 16).
            user_is_active=True,
        )
    )


def needing_new_therapist(episodes):
    """The open ones of these episodes (a queryset) whose therapist no longer works as a
    therapist at the episode's clinic: they left (offboarded, account closed) or lost
    the role. Not evaluated. Patients without any therapist (unguided care) are not in
    it."""
    from tessera.core.models import Episode

    return (
        episodes.filter(therapist__isnull=False)
        .exclude(status=Episode.Status.ENDED)
        .exclude(still_works_as_therapist())
    )


def left_among(episodes) -> set[int]:
    """The ids of those of these episodes (rows already read, with their clinic,
    therapist and status) that ``needing_new_therapist`` would give: open, with a
    therapist who no longer works as a therapist at the episode's clinic. One query,
    the active therapist roles of their clinics (the clinics' range of the roles, the
    same at any size of the country), none when no episode names a therapist. Read
    again by their ids, the episodes were one descent of the episodes' key each, and
    the roles of every clinic of the country hashed (a team inbox of 50 rows read 140
    pages at 100,000 patients, 24 at 1,000: issue 16)."""
    from tessera.core.models import Episode

    named = [
        episode
        for episode in episodes
        if episode.therapist_id is not None and episode.status != Episode.Status.ENDED
    ]
    if not named:
        return set()
    clinics = sorted({episode.clinic_id for episode in named})
    working = set(
        therapist_roles(clinics).filter(user_is_active=True).values_list("clinic_id", "user_id")
    )
    return {
        episode.pk for episode in named if (episode.clinic_id, episode.therapist_id) not in working
    }


def left_of_each():
    """Per episode (an annotation of a queryset of episodes): ``left_among``'s answer,
    in the database. True when the episode is open and names a therapist with no active
    therapist role at its clinic (the roles' copy of whether the user may sign in)."""
    from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

    from tessera.core.models import ClinicRole, Episode

    working = ClinicRole.objects.filter(
        clinic_id=OuterRef("clinic_id"),
        user_id=OuterRef("therapist_id"),
        role=Role.THERAPIST,
        user_is_active=True,
    )
    named = Q(therapist__isnull=False) & ~Q(status=Episode.Status.ENDED)
    return Case(
        When(named & ~Exists(working), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def therapist_has_left(episode) -> bool:
    """Whether the therapist named on this episode no longer works as a therapist at its
    clinic (left, lost the role or had their account closed), the one-episode reading of
    ``needing_new_therapist`` (ended episodes included): what the patient is told about
    who reads their messages. False without a therapist (unguided care)."""
    from tessera.core.models import ClinicRole

    if episode.therapist_id is None:
        return False
    return not ClinicRole.objects.filter(
        clinic_id=episode.clinic_id,
        role=Role.THERAPIST,
        user=episode.therapist_id,
        user__is_active=True,
    ).exists()


def patient_message_recipients(episode, at=None) -> list:
    """Who is told that a patient wrote (users, each once): their therapist while that
    person still works as a therapist at the episode's clinic; otherwise (they left,
    lost the role or their account was closed: ``needing_new_therapist``) the clinic's
    active managers, who hand the patient over, so the message reaches a person and
    not only the team inbox (issue 20). An episode without a therapist gets nobody:
    unguided patients are offered no messages.

    While the therapist is on leave at the clinic that day (``at``, now by default, on
    the clinic's own calendar), the one covering them is told too, when the cover may
    open the patient and is not away that day themself; without such a cover, the
    clinic's managers at work that day, all of them only when every one is away, as a
    risk alert's managers are (decisions 0155, 0160). The rota is not: being on call
    for risk opens only the patients with an open alert."""
    from django.utils import timezone

    from tessera.core.clinic_dates import zone_date
    from tessera.core.models import ClinicRole, StaffLeave

    from .patients import openable_episode_ids

    if episode.therapist_id is None:
        return []
    here = ClinicRole.objects.filter(clinic_id=episode.clinic_id, user__is_active=True)

    def managers(away=()) -> list:
        found = {role.user for role in here.filter(role=Role.CLINIC_MANAGER).select_related("user")}
        at_work = {user for user in found if user.pk not in away}
        return sorted(at_work or found, key=lambda user: user.pk)

    if not here.filter(role=Role.THERAPIST, user=episode.therapist_id).exists():
        return managers()
    day = zone_date(episode.clinic.time_zone, at or timezone.now())
    away = {
        leave.user_id: leave.cover
        for leave in StaffLeave.objects.filter(clinic_id=episode.clinic_id)
        .on(day)
        .select_related("cover")
    }
    therapist = episode.therapist
    if therapist.pk not in away:
        return [therapist]
    cover = away[therapist.pk]
    if (
        cover is not None
        and cover.is_active
        and cover.pk not in away
        and openable_episode_ids(cover, [episode.pk])
    ):
        return sorted({therapist, cover}, key=lambda user: user.pk)
    return sorted({therapist, *managers(away)}, key=lambda user: user.pk)


def covered_today(user, at=None) -> list[int]:
    """The therapists whose leave ``user`` covers today (``at``, now by default) at a
    clinic of their roles, each clinic's own calendar, while ``user`` is not away there
    themself: whose waiting patient messages their own inbox shows (ids, in order; one
    query)."""
    from django.utils import timezone

    from tessera.core.clinic_dates import near_every_clinic, zone_date
    from tessera.core.models import StaffLeave

    zones = role_clinic_zones(user)
    if not zones:
        return []
    at = at or timezone.now()
    leaves = (
        StaffLeave.objects.filter(clinic_id__in=list(zones))
        .filter(Q(cover=user) | Q(user=user))
        .around(near_every_clinic(at))
    )
    today = [leave for leave in leaves if leave.includes(zone_date(zones[leave.clinic_id], at))]
    away = {leave.clinic_id for leave in today if leave.user_id == user.pk}
    covered = set()
    for leave in today:
        if leave.cover_id == user.pk and leave.clinic_id not in away:
            covered.add(leave.user_id)
    return sorted(covered)
