"""The quarterly service report: built for a quarter (on demand and by the task),
stored once per quarter, listed, and a PDF on download, audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tessera.core.clinic_dates import clinic_today
from tessera.core.models import AuditEvent
from tessera.reports.actions import do_build_quarterly_report, quarter_bounds
from tessera.reports.actions.quarterly import last_complete_quarter
from tessera.reports.models import QuarterlyReport
from tessera.reports.tasks import build_quarterly_reports
from tests.conftest import sign_in


def test_quarter_bounds():
    assert quarter_bounds(dt.date(2026, 12, 3)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter_bounds(dt.date(2026, 2, 28)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert last_complete_quarter(dt.date(2026, 1, 5)) == dt.date(2025, 10, 1)


def test_building_a_quarter_again_replaces_it(cohort, world):
    start = quarter_bounds(timezone.localdate())[0]
    first = do_build_quarterly_report(world.clinic, start, acting_user=world["manager"])
    # In the clinic's language (Swedish first): recovery 2 of 4.
    assert "Återhämtning" in first.html and "50,0 %" in first.html
    again = do_build_quarterly_report(world.clinic, start, acting_user=world["manager"])
    assert again.pk == first.pk and QuarterlyReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.quarterly_built").count() == 2


def test_the_task_builds_every_clinic_for_the_last_quarter(world):
    assert build_quarterly_reports.call() == 2
    assert set(QuarterlyReport.objects.values_list("quarter_start", flat=True)) == {
        last_complete_quarter(clinic_today(world.clinic))
    }


def test_a_manager_builds_lists_and_downloads_the_pdf(cohort, world, client):
    sign_in(client, world["manager"])
    url = reverse("quarterly_list", args=["alpha"])
    start = quarter_bounds(timezone.localdate())[0]
    response = client.post(url, {"quarter": start.isoformat()})
    assert response.status_code == 302
    assert client.post(url, {"quarter": "1999-01-01"}).status_code == 200  # not offered
    report = QuarterlyReport.objects.get(clinic=world.clinic)
    assert report.label.encode() in client.get(url).content
    pdf = client.get(reverse("quarterly_pdf", args=["alpha", report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="report.quarterly_downloaded").exists()


def test_the_pdf_page_carries_the_language_the_report_was_written_in(cohort, world):
    from django.template.loader import render_to_string
    from django.utils import translation

    start = quarter_bounds(timezone.localdate())[0]
    report = do_build_quarterly_report(world.clinic, start, acting_user=world["manager"])
    assert report.language == "sv"  # the clinic's first language
    with translation.override("en"):  # whoever downloads it
        page = render_to_string("reports/quarterly_pdf_page.html", {"report": report})
    assert '<html lang="sv">' in page
