"""Writes of staff leave (``StaffLeave``): a staff member away from a clinic for some
days, and the colleague who covers (decision 0146). Atomic and audited; the clinic's row
is locked first, so two leaves recorded at the same moment cannot overlap."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import access, audit
from ..clinic_dates import clinic_today
from ..drawn import Drawn, refuse_if_changed
from ..models import Clinic, ClinicRole, StaffLeave, User
from .clinics import lock_clinics


def _changes(leave: StaffLeave) -> dict:
    return {
        "user": leave.user_id,
        "first_day": leave.first_day.isoformat(),
        "last_day": leave.last_day.isoformat(),
        "cover": leave.cover_id,
    }


@transaction.atomic
def do_record_leave(
    clinic: Clinic,
    *,
    acting_user,
    user: User,
    first_day: dt.date,
    last_day: dt.date,
    cover: User | None = None,
) -> StaffLeave:
    """Record that ``user`` is away from ``clinic`` from ``first_day`` to ``last_day``
    (both included, the clinic's calendar), ``cover`` standing in. Refused: days out of
    order, a leave of theirs there overlapping it, a cover who is the same person or
    does not work at the clinic."""
    lock_clinics([clinic.pk])
    members = set(
        ClinicRole.objects.filter(clinic=clinic, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    errors = {}
    if user.pk not in members:
        errors["user"] = _("Only active staff of this clinic can be recorded on leave.")
    if last_day < first_day:
        errors["last_day"] = _("The last day cannot be before the first day.")
    if cover is not None and cover.pk == user.pk:
        errors["cover"] = _("Choose a colleague to cover, not the person on leave.")
    elif cover is not None and cover.pk not in members:
        errors["cover"] = _("The colleague who covers must work at this clinic.")
    same = StaffLeave.objects.filter(
        clinic=clinic, user=user, first_day=first_day, last_day=last_day, cover=cover
    ).first()
    if not errors and same is not None:
        # Sent twice (a double click, back and send again): the leave already recorded,
        # not "overlaps a leave already recorded" after the first had gone (0152).
        same.sent_before = True
        return same
    if not errors and (
        StaffLeave.objects.filter(clinic=clinic, user=user)
        .filter(first_day__lte=last_day, last_day__gte=first_day)
        .exists()
    ):
        errors["first_day"] = _("This overlaps a leave already recorded for this person.")
    if errors:
        raise ValidationError(errors)
    leave = StaffLeave.objects.create(
        clinic=clinic, user=user, first_day=first_day, last_day=last_day, cover=cover
    )
    audit.record(
        "staff.leave_recorded",
        actor=acting_user,
        clinic=clinic,
        obj=leave,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes=_changes(leave),
    )
    return leave


LEAVE_FIELDS = ("first_day", "last_day", "cover")


@transaction.atomic
def do_change_leave(
    leave: StaffLeave,
    *,
    acting_user,
    first_day: dt.date,
    last_day: dt.date,
    cover: User | None = None,
    drawn: Drawn | None = None,
) -> StaffLeave:
    """Change a leave's days or its cover (recorded wrong, plans changed), without
    removing it and recording it again (decision 0160). The clinic's row is locked first,
    as ``do_record_leave``, and the same refusals hold, with a leave that has begun
    keeping its first day and not ending before today (the record of who was away; to
    end it today, ``do_end_leave``), and one that has ended staying as it was.
    ``drawn``: what the form was drawn with; another manager's change since is refused,
    not saved over (decision 0152). The same values sent twice find their own change."""
    lock_clinics([leave.clinic_id])
    found = StaffLeave.objects.select_related("clinic").filter(pk=leave.pk).first()
    if found is None:
        raise ValidationError(_("This leave was removed meanwhile."), code="removed")
    sent = {"first_day": first_day, "last_day": last_day, "cover": cover}
    refuse_if_changed(found, drawn, sent)
    before = _changes(found)
    if before == _changes(
        StaffLeave(user_id=found.user_id, cover=cover, first_day=first_day, last_day=last_day)
    ):
        found.sent_before = True
        return found  # nothing changed, or sent twice (0152)
    today = clinic_today(found.clinic)
    members = set(
        ClinicRole.objects.filter(clinic=found.clinic, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    errors = {}
    if found.last_day < today:
        raise ValidationError(_("This leave has ended already."))
    if last_day < first_day:
        errors["last_day"] = _("The last day cannot be before the first day.")
    elif found.first_day <= today and first_day != found.first_day:
        errors["first_day"] = _("This leave has begun: its first day stays as it was.")
    elif found.first_day <= today and last_day < today:
        errors["last_day"] = _("A leave that has begun cannot end before today.")
    if cover is not None and cover.pk == found.user_id:
        errors["cover"] = _("Choose a colleague to cover, not the person on leave.")
    elif cover is not None and cover.pk not in members:
        errors["cover"] = _("The colleague who covers must work at this clinic.")
    if not errors and (
        StaffLeave.objects.filter(clinic=found.clinic, user=found.user_id)
        .exclude(pk=found.pk)
        .filter(first_day__lte=last_day, last_day__gte=first_day)
        .exists()
    ):
        errors["first_day"] = _("This overlaps a leave already recorded for this person.")
    if errors:
        raise ValidationError(errors)
    found.first_day, found.last_day, found.cover = first_day, last_day, cover
    found.save(update_fields=["first_day", "last_day", "cover"])
    audit.record(
        "staff.leave_changed",
        actor=acting_user,
        clinic=found.clinic,
        obj=found,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, found.clinic_id),
        changes={
            **_changes(found),
            **{f"was_{key}": value for key, value in before.items() if key != "user"},
        },
    )
    return found


@transaction.atomic
def do_end_leave(leave: StaffLeave, *, acting_user) -> StaffLeave:
    """End a leave that has begun early: today (the clinic's) is its last day. A leave
    that has not begun is removed instead; one that has ended stays as it was."""
    lock_clinics([leave.clinic_id])
    leave = StaffLeave.objects.select_related("clinic").get(pk=leave.pk)
    today = clinic_today(leave.clinic)
    if leave.first_day > today:
        raise ValidationError(_("This leave has not begun: remove it instead."))
    if leave.last_day < today:
        raise ValidationError(_("This leave has ended already."))
    if leave.last_day == today:
        return leave
    before = leave.last_day
    leave.last_day = today
    leave.save(update_fields=["last_day"])
    audit.record(
        "staff.leave_ended",
        actor=acting_user,
        clinic=leave.clinic,
        obj=leave,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, leave.clinic_id),
        changes={**_changes(leave), "was_last_day": before.isoformat()},
    )
    return leave


@transaction.atomic
def do_remove_leave(leave: StaffLeave, *, acting_user) -> None:
    """Remove a leave that has not begun (recorded by mistake, plans changed). Leave
    that has begun is kept, as the record of who was away: it is ended instead."""
    lock_clinics([leave.clinic_id])
    found = StaffLeave.objects.select_related("clinic").filter(pk=leave.pk).first()
    if found is None:
        return  # removed already (a second click, another tab): no second event
    if found.first_day <= clinic_today(found.clinic):
        raise ValidationError(_("This leave has begun and is kept: end it instead."))
    audit.record(
        "staff.leave_removed",
        actor=acting_user,
        clinic=found.clinic,
        obj=found,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, found.clinic_id),
        changes=_changes(found),
    )
    found.delete()
