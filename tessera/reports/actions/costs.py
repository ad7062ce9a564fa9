"""The clinic's costs, entered by its manager for the dashboard's cost figures."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tessera.core import audit
from tessera.core.drawn import CHANGED_MEANWHILE, COSTS_FIELDS, changed_since, costs_digest
from tessera.core.models import Clinic

from ..models import ClinicCosts


@transaction.atomic
def do_set_clinic_costs(
    clinic,
    *,
    acting_user,
    per_therapist_hour: Decimal,
    fixed_per_month: Decimal,
    drawn: str | None = None,
) -> ClinicCosts:
    """``drawn``: ``costs_digest`` of the costs the dashboard showed; another manager's
    save since is refused (``changed_meanwhile``), compared under the clinic's row lock;
    the same costs sent twice are not (decision 0152's follow-up)."""
    errors = {}
    if per_therapist_hour is None or per_therapist_hour < 0:
        errors["per_therapist_hour"] = _("Enter a cost of 0 or more.")
    if fixed_per_month is None or fixed_per_month < 0:
        errors["fixed_per_month"] = _("Enter a cost of 0 or more.")
    if errors:
        raise ValidationError(errors)
    Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    sent = {"per_therapist_hour": per_therapist_hour, "fixed_per_month": fixed_per_month}
    now = costs_digest(ClinicCosts.objects.filter(clinic=clinic).first())
    if changed_since(now, drawn or "", sent, COSTS_FIELDS):
        raise ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
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
