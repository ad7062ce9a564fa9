"""The clinic's costs, entered by its manager for the dashboard's cost figures."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tessera.core import audit

from ..models import ClinicCosts


@transaction.atomic
def do_set_clinic_costs(
    clinic, *, acting_user, per_therapist_hour: Decimal, fixed_per_month: Decimal
) -> ClinicCosts:
    errors = {}
    if per_therapist_hour is None or per_therapist_hour < 0:
        errors["per_therapist_hour"] = _("Enter a cost of 0 or more.")
    if fixed_per_month is None or fixed_per_month < 0:
        errors["fixed_per_month"] = _("Enter a cost of 0 or more.")
    if errors:
        raise ValidationError(errors)
    costs, _created = ClinicCosts.objects.update_or_create(
        clinic=clinic,
        defaults={"per_therapist_hour": per_therapist_hour, "fixed_per_month": fixed_per_month},
    )
    audit.record(
        "report.costs_set",
        actor=acting_user,
        clinic=clinic,
        obj=costs,
        changes={
            "per_therapist_hour": str(per_therapist_hour),
            "fixed_per_month": str(fixed_per_month),
        },
    )
    return costs
