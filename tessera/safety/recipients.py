"""Who is told about an alert at each level of escalation (docs/safety.md).

Level 0, at once: the responsible therapist (when the episode has one and they still
work as a therapist at its clinic) and whoever is on the clinic's on-call rota at that
moment (``tessera.core.on_call``). When that is nobody, the clinic managers are told at
once: they are the last fallback, so an alert always reaches a person. Level 1: the
clinic's supervisors (the managers when there are none). Level 2: its clinic managers.

Out of the clinic's working hours an escalation goes to whoever is on the rota at that
moment (level 1), and to them with the managers (level 2): supervisors are not at work
then. With nobody on the rota, the managers are told."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tessera.core import access, on_call
from tessera.core.models import User

from . import rules


def for_level(
    alert, level: int, at: dt.datetime | None = None, on_duty: list[User] | None = None
) -> list[User]:
    """``on_duty``: who is on the clinic's rota at ``at``, when the caller has read it
    already (one read per clinic for many alerts)."""
    clinic = alert.episode.clinic
    at = at or timezone.now()
    users: set[User] = set()

    def rota() -> list[User]:
        return on_call.on_duty(clinic, at) if on_duty is None else on_duty

    if level >= 1 and out_of_hours(clinic, at):
        users.update(rota())
        if level >= 2:
            users.update(on_call.managers(clinic))
    elif level == 0:
        users.update(rota())
        users.update(_therapist(alert, clinic))
    elif level == 1:
        roles = access.alert_recipient_roles(clinic.pk, level).select_related("user")
        users.update(r.user for r in roles)
    if not users:
        users.update(on_call.managers(clinic))
    if not users:
        # No active manager either (a closed login the manager guards did not see, the
        # admin site): whoever is on the rota now and the therapist, not nobody
        # (decision 0142). The rota check warns of a clinic without a manager.
        users.update(rota())
        users.update(_therapist(alert, clinic))
    return sorted(users, key=lambda u: u.pk)


def _therapist(alert, clinic) -> list[User]:
    """The responsible therapist, only while they still work as a therapist at the
    clinic: one who lost the role (or left) can no longer open the alert, and telling
    them alone told nobody until the first escalation (the managers are told instead)."""
    therapist = alert.episode.therapist if alert.episode.therapist_id else None
    if (
        therapist is not None
        and therapist.is_active
        and access.is_therapist_at(therapist, clinic.pk)
    ):
        return [therapist]
    return []


def out_of_hours(clinic, at: dt.datetime) -> bool:
    return not rules.is_open(clinic, at)
