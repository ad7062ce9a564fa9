"""The reports app's writes, atomic and audited (one module per concept)."""

from ..register.export import do_export as do_export_to_register
from .costs import do_set_clinic_costs
from .quarterly import do_build_quarterly_report, quarter_bounds
from .register_jobs import do_queue_region_register_export, do_queue_register_export, run_job
from .registers import do_export_clinic_to_register

__all__ = [
    "do_set_clinic_costs",
    "do_build_quarterly_report",
    "do_export_to_register",
    "do_export_clinic_to_register",
    "do_queue_register_export",
    "do_queue_region_register_export",
    "run_job",
    "quarter_bounds",
]
