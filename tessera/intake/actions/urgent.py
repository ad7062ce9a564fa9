"""Acknowledging an urgent application, and passing it on when nobody does in time
(``tessera.intake.urgent``; docs/safety.md). Both audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, on_call
from tessera.core.conflicts import retried_once
from tessera.safety import rules

from .. import notify
from ..models import Application
from ..models.applications import OPEN_STATUSES


@retried_once
@transaction.atomic
def do_acknowledge_urgent(application: Application, *, acting_user) -> Application:
    """The first of the clinic's intake staff or staff on call to say "I am dealing with
    this" is kept; a second acknowledgement changes nothing (as a risk alert's)."""
    if not access.may_acknowledge_urgent(acting_user, application):
        raise ValidationError(_("You cannot acknowledge applications of this clinic."))
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if not locked.urgent or locked.status == "draft":
        raise ValidationError(_("This application is not marked urgent."))
    if locked.urgent_acknowledged_at is None:
        locked.urgent_acknowledged_at = timezone.now()
        locked.urgent_acknowledged_by = acting_user
        locked.save(update_fields=["urgent_acknowledged_at", "urgent_acknowledged_by"])
        audit.record_for_episode(
            "application.urgent_acknowledged", locked, actor=acting_user, obj=locked
        )
    return locked


def escalation_recipients(clinic, at: dt.datetime) -> list:
    """The clinic managers (the last fallback of every alert), and out of the clinic's
    working hours whoever is on the rota then: as a risk alert's last level
    (``safety.recipients``). Of the managers, those at work that day (the clinic's
    calendar); all of them only when every one is away. Of the rota, those at work; all
    of it only when there is nobody else (decision 0160's follow-up)."""
    away = on_call.away_at(clinic, at)
    users = set(on_call.at_work_first(on_call.managers(clinic), away))
    if not rules.is_open(clinic, at):
        rota = on_call.on_duty(clinic, at)
        users.update(user for user in rota if user.pk not in away)
        if not users:
            users.update(rota)
    return sorted(users, key=lambda user: user.pk)


def escalate_overdue_urgent(now: dt.datetime | None = None) -> list[Application]:
    """Pass on every open urgent application whose window ran out unacknowledged, once.
    Run by the periodic sweep; safe to run often and from several workers at once: each
    application is locked and re-checked, and the notification keys are unique.

    An acknowledgement counts only while whoever gave it is still among those told
    (``access.urgent_acknowledgement_holds``): one by someone who has since left, lost
    the role or is on leave that day is taken back (audited) and the application passed
    on (decision 0160)."""
    now = now or timezone.now()
    overdue = (
        Application.objects.filter(
            urgent=True,
            status__in=OPEN_STATUSES,
            urgent_escalated_at__isnull=True,
            urgent_acknowledge_by__lte=now,
        )
        .filter(
            Q(urgent_acknowledged_at__isnull=True)
            | (Q(urgent_acknowledged_at__isnull=False) & ~access.urgent_acknowledgement_holds(now))
        )
        .values_list("pk", flat=True)
    )
    return [app for pk in list(overdue) if (app := _escalate_one(pk, now)) is not None]


@transaction.atomic
def _escalate_one(pk: int, now: dt.datetime) -> Application | None:
    application = (
        Application.objects.select_for_update(no_key=True).select_related("clinic").get(pk=pk)
    )
    if application.urgent_escalated_at is not None or application.status not in OPEN_STATUSES:
        return None
    if application.urgent_acknowledged_at is not None:
        holds = (
            Application.objects.filter(pk=pk)
            .filter(access.urgent_acknowledgement_holds(now))
            .exists()
        )
        if holds:
            return None
        audit.record_for_episode(
            "application.urgent_acknowledgement_lapsed",
            application,
            obj=application,
            actor_role="system",
            changes={"acknowledged_by": application.urgent_acknowledged_by_id},
        )
        application.urgent_acknowledged_at = application.urgent_acknowledged_by = None
    application.urgent_escalated_at = now
    application.save(
        update_fields=["urgent_escalated_at", "urgent_acknowledged_at", "urgent_acknowledged_by"]
    )
    users = escalation_recipients(application.clinic, now)
    audit.record_for_episode(
        "application.urgent_escalated",
        application,
        obj=application,
        actor_role="system",
        changes={
            "out_of_hours": not rules.is_open(application.clinic, now),
            "told": [user.pk for user in users],
        },
    )
    transaction.on_commit(lambda: notify.tell_about_unacknowledged_urgent(application, users))
    return application
