"""The reports app's writes, atomic and audited (one module per concept)."""

from .quarterly import do_build_quarterly_report, quarter_bounds

__all__ = ["do_build_quarterly_report", "quarter_bounds"]
