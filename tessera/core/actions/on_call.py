"""Writes of the on-call rota (tessera.core.on_call): atomic and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import access, audit
from ..models import Clinic, ClinicRole, OnCallShift, User


def _check_hours(weekdays, starts_hour: int, ends_hour: int) -> None:
    errors = {}
    if not weekdays or any(not 1 <= int(d) <= 7 for d in weekdays):
        errors["weekdays"] = _("Choose at least one day.")
    if not (0 <= starts_hour <= 23 and 1 <= ends_hour <= 24 and ends_hour > starts_hour):
        errors["ends_hour"] = _(
            "The end must be after the start, within one day (0 to 24). Split a night "
            "over midnight into two stretches."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_add_on_call_shifts(
    clinic: Clinic,
    *,
    acting_user,
    user: User,
    weekdays,
    starts_hour: int,
    ends_hour: int,
    mobile_phone: str | None = None,
) -> list[OnCallShift]:
    """Put ``user`` on call at ``clinic`` on each of ``weekdays`` from ``starts_hour`` to
    ``ends_hour``. They must work at the clinic; their role is marked on call (which lets
    them see a patient with an open alert). A stretch that overlaps one of theirs on the
    same day is refused. A mobile number given is kept for urgent text messages."""
    _check_hours(weekdays, starts_hour, ends_hour)
    roles = list(ClinicRole.objects.select_for_update(no_key=True).filter(clinic=clinic, user=user))
    if not roles or not user.is_active:
        raise ValidationError({"user": _("Only active staff of this clinic can be on call.")})
    days = sorted({int(d) for d in weekdays})
    clash = OnCallShift.objects.filter(
        clinic=clinic,
        user=user,
        weekday__in=days,
        starts_hour__lt=ends_hour,
        ends_hour__gt=starts_hour,
    ).exists()
    if clash:
        raise ValidationError(
            {"starts_hour": _("This overlaps a stretch this person is already on call.")}
        )
    shifts = OnCallShift.objects.bulk_create(
        [
            OnCallShift(
                clinic=clinic, user=user, weekday=day, starts_hour=starts_hour, ends_hour=ends_hour
            )
            for day in days
        ]
    )
    ClinicRole.objects.filter(pk__in=[r.pk for r in roles], on_call=False).update(on_call=True)
    changes = {"user": user.pk, "days": days, "hours": [starts_hour, ends_hour]}
    phone = (mobile_phone or "").strip()
    if phone and phone != user.mobile_phone:
        user.mobile_phone = phone
        user.save(update_fields=["mobile_phone"])
        changes["mobile_phone"] = "changed"
    audit.record(
        "clinic.on_call_shift_added",
        actor=acting_user,
        clinic=clinic,
        obj=shifts[0],
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes=changes,
    )
    return shifts


@transaction.atomic
def do_remove_on_call_shift(shift: OnCallShift, *, acting_user) -> None:
    """Take one stretch off the rota. Someone with no stretch left at the clinic is no
    longer marked on call there."""
    clinic, user = shift.clinic, shift.user
    audit.record(
        "clinic.on_call_shift_removed",
        actor=acting_user,
        clinic=clinic,
        obj=shift,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={
            "user": user.pk,
            "day": shift.weekday,
            "hours": [shift.starts_hour, shift.ends_hour],
        },
    )
    shift.delete()
    if not OnCallShift.objects.filter(clinic=clinic, user=user).exists():
        ClinicRole.objects.filter(clinic=clinic, user=user).update(on_call=False)
