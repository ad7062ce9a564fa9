"""Demo: what each demo clinic's manager enters for the cost figures (cost per therapist
hour and fixed costs per month, in the clinic's currency), so the dashboard's cost per
started, finished and recovered patient shows numbers; and Riverside's quarterly report
of the last complete quarter, so the quarterly list has one to download. The courses
themselves are the portal's year of history (``tessera/portal/demo_history.py``). Safe to
run again: costs already entered and a quarter already built are left alone."""

from __future__ import annotations

from decimal import Decimal

from tessera.core.clinic_dates import clinic_today

from . import actions
from .actions.quarterly import last_complete_quarter
from .models import ClinicCosts, QuarterlyReport

# Per clinic: cost per therapist hour and fixed costs per month (made-up, in the
# currency of the clinic's country).
COSTS = {
    "riverside": (Decimal("650"), Decimal("42000")),
    "fjordside": (Decimal("720"), Decimal("30000")),
    "harbour": (Decimal("560"), Decimal("25000")),
    "canal": (Decimal("65"), Decimal("2800")),
    "highland": (Decimal("48"), Decimal("1500")),
}
MANAGERS = {
    "riverside": "manager",
    "fjordside": "fjord.manager",
    "harbour": "harbour.manager",
    "canal": "canal.manager",
    "highland": "highland.oncall",
}


def seed(ctx) -> None:
    for slug, (hourly, monthly) in COSTS.items():
        clinic = ctx.clinics.get(slug)
        manager = ctx.staff.get(MANAGERS[slug])
        if clinic is None or ClinicCosts.objects.filter(clinic=clinic).exists():
            continue
        actions.do_set_clinic_costs(
            clinic, acting_user=manager, per_therapist_hour=hourly, fixed_per_month=monthly
        )
    riverside = ctx.clinics.get("riverside")
    if riverside is None:
        return
    quarter = last_complete_quarter(clinic_today(riverside))
    if not QuarterlyReport.objects.filter(clinic=riverside, quarter_start=quarter).exists():
        actions.do_build_quarterly_report(riverside, quarter, acting_user=ctx.staff.get("manager"))
