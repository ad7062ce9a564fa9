"""On the demo: Riverside's manager reads module adherence by programme and the cost per
patient, narrows the outcome report to one programme and downloads that programme's
courses, downloads a dashboard table as CSV and the quarterly PDF, exports to the
SibeR-shaped profile in the background and downloads the result; the region
administrator compares the five demo clinics, by programme too."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tessera.reports.models import EpisodeOutcome
from tests.e2e.conftest import cookie_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads PDFs


def _reports(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()


def test_the_demo_manager_and_region_administrator_read_the_reports(page, seeded_demo):
    cookie_sign_in(page, "manager@demo.tessera.test")
    _reports(page)
    page.get_by_role("link", name="implementation dashboard").click()
    adherence = page.get_by_role("table", name=re.compile("^Module adherence"))
    expect(adherence).to_contain_text("depression-ba")
    expect(adherence).not_to_contain_text("No programme")
    costs = page.get_by_role("table", name=re.compile("^Cost over the last twelve months"))
    expect(
        costs.get_by_role("row", name=re.compile("Per patient who recovered"))
    ).not_to_contain_text("–")
    # A year of history: a table of the dashboard as CSV, one row per quarter with courses.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Courses by quarter” as CSV").click()
    quarters = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert quarters[0][0] == "Quarter" and len(quarters) >= 1 + 4

    # The quarterly report, built on demand and downloaded as a PDF.
    _reports(page)
    page.get_by_role("link", name="quarterly reports").click()
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("status")).to_contain_text("was built")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^PDF of")).first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    _reports(page)
    page.get_by_role("link", name="implementation dashboard").click()

    # The outcome report of one programme, and that programme's courses as CSV.
    page.get_by_role("link", name="Outcome report").click()
    page.get_by_label("Programme").select_option("depression-ba")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"programme=depression-ba"))
    page.get_by_role("link", name="Outcome of each episode").click()
    expect(page.get_by_label("Programme")).to_have_value("depression-ba")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download as CSV")).click()
    lines = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    expected = EpisodeOutcome.objects.filter(
        clinic__slug="riverside", programme_key="depression-ba"
    ).count()
    assert len(lines) == 1 + expected and expected > 0

    # A register export in the background, followed to its download.
    _reports(page)
    page.get_by_role("link", name="exports to quality registers").click()
    page.get_by_label("Register profile").select_option("siber-1")
    page.get_by_role("button", name="Show what will be exported").click()
    page.get_by_role("button", name="Export in the background").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export in the background")
    expect(page.get_by_role("status")).to_contain_text("courses were exported")
    expect(page).not_to_have_url(re.compile("siber|riverside/registers/jobs/[0-9]+/"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Export \d+ as CSV")).click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("pseudonym,episode_ref,unit,red_flag")
    page.get_by_role("button", name="Sign out").click()

    # The region administrator compares the five demo clinics, and one programme.
    cookie_sign_in(page, "region.admin@demo.tessera.test")
    _reports(page)
    page.get_by_role("link", name=re.compile("^Compare the clinics of")).click()
    table = page.get_by_role("table", name="Outcomes of the courses that ended, per clinic")
    expect(table.get_by_role("row")).to_have_count(6)  # the header and five clinics
    page.get_by_label("Programme").select_option("transdiagnostic")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"programme=transdiagnostic"))
    expect(table.get_by_role("row")).to_have_count(6)
