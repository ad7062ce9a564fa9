"""Who is told about a risk alert at each level of escalation.

- Level 0: the staff marked on call (who of them is told at once is the rota's
  business, ``tessera.core.on_call``; the responsible therapist is added by the caller
  since it is not a role).
- Level 1: the clinic's supervisors.
- Level 2 and above: its clinic managers.
Only active staff are told.

An acknowledgement holds the alert only while whoever gave it can still act on it
(``acknowledgement_holds``); otherwise the alert counts as unacknowledged again.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tessera.core.clinic_dates import near_every_clinic, zone_date
from tessera.core.roles import CLINIC_WIDE_ROLES, Role

from .base import _active, clinic_ids_with_roles, on_call_clinic_ids


def may_cover_alerts_at(user, clinic_id: int) -> bool:
    """Whether ``user`` can open a colleague's patients with an open risk alert at the
    clinic, and so be told of them while covering that colleague's leave: an active
    login with a clinic-wide role there, or a role marked on call (the episode scope's
    on-call arm, ``tessera.safety.on_call``). No query when their roles are read."""
    if not _active(user):
        return False
    return clinic_id in clinic_ids_with_roles(user, CLINIC_WIDE_ROLES) | on_call_clinic_ids(user)


def may_cover_alerts_after(grant, *, removed: bool) -> bool:
    """Whether ``grant``'s holder may still cover at its clinic (``may_cover_alerts_at``'s
    rule) once the role is removed (``removed``) or else its on-call mark unticked: the
    question a change asks before it breaks a leave they cover (one query)."""
    from tessera.core.models import ClinicRole

    if not removed and grant.role in CLINIC_WIDE_ROLES:
        return True
    return (
        ClinicRole.objects.filter(clinic_id=grant.clinic_id, user_id=grant.user_id)
        .exclude(pk=grant.pk)
        .filter(Q(on_call=True) | Q(role__in=CLINIC_WIDE_ROLES))
        .exists()
    )


def alert_recipient_roles(clinic_id: int, level: int):
    """The ClinicRole rows (not evaluated) of the staff told at this level."""
    from tessera.core.models import ClinicRole

    roles = ClinicRole.objects.filter(clinic_id=clinic_id, user__is_active=True)
    if level == 0:
        return roles.filter(on_call=True)
    if level == 1:
        return roles.filter(role=Role.SUPERVISOR)
    return roles.filter(role=Role.CLINIC_MANAGER)


def alert_people(clinic_ids) -> dict[int, dict]:
    """For each of these clinics, its active therapists (``"therapist_ids"``), and the
    supervisors (level 1) and managers (level 2) as users: all an alert's levels need
    besides the rota, in one query for many alerts
    (``tessera.safety.recipients.people_at``)."""
    from tessera.core.models import ClinicRole

    found = {pk: {"therapist_ids": set(), "supervisors": [], "managers": []} for pk in clinic_ids}
    if not found:
        return found
    roles = (
        ClinicRole.objects.filter(
            clinic_id__in=list(found),
            user__is_active=True,
            role__in=[Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER],
        )
        .select_related("user")
        .order_by("user_id")
    )
    for role in roles:
        people = found[role.clinic_id]
        if role.role == Role.THERAPIST:
            people["therapist_ids"].add(role.user_id)
        else:
            level = "supervisors" if role.role == Role.SUPERVISOR else "managers"
            if role.user not in people[level]:
                people[level].append(role.user)
    return found


def acknowledgement_holds(at: dt.datetime | None = None) -> Exists | Q:
    """A condition over RiskAlert rows: whoever acknowledged the alert can still act on
    it at ``at`` (now). Their login is active and, at the alert's clinic, they hold a
    clinic-wide role, a role marked on call, or the therapist role on an episode that is
    still theirs, and they are not on leave there that day (the clinic's calendar). One
    who left, lost the role, whose patient went to another therapist, or who is away,
    holds nobody to the alert: it is passed on as if never acknowledged
    (``tessera.safety``), to whoever ``for_level`` names. Leave counts because an alert
    acknowledged by someone away is held by nobody who will act on it, and nobody else
    is told: "a patient at risk is never unseen" (decision 0160). One query for the time
    zones of the clinics with leave around that day."""
    from tessera.core.models import ClinicRole

    roles = ClinicRole.objects.filter(
        clinic_id=OuterRef("clinic_id"),
        user_id=OuterRef("acknowledged_by_id"),
        user__is_active=True,
    )
    holds = Exists(
        roles.filter(
            Q(role__in=CLINIC_WIDE_ROLES)
            | Q(on_call=True)
            | Q(role=Role.THERAPIST, user_id=OuterRef("episode__therapist_id"))
        )
    )
    away = acknowledger_away(at or timezone.now())
    return holds if away is None else holds & ~away


def acknowledger_away(at: dt.datetime, field: str = "acknowledged_by_id") -> Exists | None:
    """Whether the row's acknowledger (``field``: a risk alert's, or an urgent
    application's) is on leave at its clinic on ``at``'s day in that clinic's own
    calendar; None when no clinic has leave around that day. The clinics' days differ by
    zone: each zone's day is read here (one query)."""
    from tessera.core.models import StaffLeave

    around = StaffLeave.objects.around(near_every_clinic(at))
    zones = set(around.values_list("clinic__time_zone", flat=True).distinct())
    if not zones:
        return None
    by_day: dict[dt.date, list[str]] = {}
    for zone in sorted(zones):
        by_day.setdefault(zone_date(zone, at), []).append(zone)
    days = Q()
    for day, in_zones in by_day.items():
        days |= Q(clinic__time_zone__in=in_zones, first_day__lte=day, last_day__gte=day)
    return Exists(
        StaffLeave.objects.filter(days, clinic_id=OuterRef("clinic_id"), user_id=OuterRef(field))
    )


def leaves_rota_with_role(grant) -> bool:
    """Whether removing this role takes its holder off the clinic's rota: a therapist's
    role always (the rota tells them of alerts whose patients their therapist role let
    them open), any other when it is their last role there (one query). The rota's
    rule (``tessera.core.on_call``), here as it reads which role is which."""
    from tessera.core.models import ClinicRole

    return (
        grant.role == Role.THERAPIST
        or not ClinicRole.objects.filter(user=grant.user_id, clinic=grant.clinic_id)
        .exclude(pk=grant.pk)
        .exists()
    )
