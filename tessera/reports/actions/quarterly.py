"""Building the quarterly service report of a clinic: the outcome report and the
implementation figures of one quarter, rendered to HTML in the clinic's language and
stored (``QuarterlyReport``); the PDF is made from it on download (``pdf.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tessera.core import audit
from tessera.letters.render import language_for

from .. import dashboard, figures
from ..models import EpisodeOutcome, QuarterlyReport, quarter_label


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter that holds ``day``."""
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def last_complete_quarter(today: dt.date) -> dt.date:
    """The first day of the last quarter that ended before ``today`` (the clinic's date:
    ``clinic_dates.clinic_today``)."""
    start, _end = quarter_bounds(today)
    return quarter_bounds(start - dt.timedelta(days=1))[0]


@transaction.atomic
def do_build_quarterly_report(clinic, quarter_start: dt.date, *, acting_user=None):
    start, end = quarter_bounds(quarter_start)
    rows = EpisodeOutcome.objects.filter(clinic=clinic)
    language = language_for(clinic)
    # The tables' headings are made here (str(_(...))), so in the report's language too;
    # its times are the clinic's, whoever builds it where (the task runs in the server's
    # zone; decision 0121).
    with translation.override(language), timezone.override(clinic.time_zone):
        report = figures.outcome_report(rows, clinics=[clinic], start=start, end=end)
        context = {
            "clinic": clinic,
            "label": quarter_label(start),
            "start": start,
            "end": end,
            "report": report,
            "quarters": dashboard.by_quarter(clinic),
            "mix": dashboard.referral_mix(clinic),
            "waits": dashboard.waits(clinic),
            "time": dashboard.therapist_time(clinic),
            "built_at": timezone.now(),
        }
        html = render_to_string("reports/quarterly_report.html", context)
    stored, created = QuarterlyReport.objects.update_or_create(
        clinic=clinic,
        quarter_start=start,
        defaults={
            "html": html,
            "language": language,
            "built_at": context["built_at"],
            "built_by": acting_user,
        },
    )
    audit.record(
        "report.quarterly_built",
        actor=acting_user,
        clinic=clinic,
        obj=stored,
        changes={"quarter": quarter_label(start), "replaced": not created},
    )
    return stored
