"""On the demo: the region administrator exports every course of the region's five
clinics to the SibeR-shaped register profile in the background, follows it to the end
and downloads the CSV, which validates against the profile's codebook; exporting again
sends nothing new."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tessera.reports.models import EpisodeOutcome, RegisterRow
from tessera.reports.register.export import load_profile, validate
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_region_administrator_exports_the_region_once(page, seeded_demo):
    cookie_sign_in(page, "region.admin@demo.tessera.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=re.compile("to quality registers$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exports to quality registers")
    courses = EpisodeOutcome.objects.exclude(started_on=None).count()
    already = RegisterRow.objects.count()  # none in the demo; a clinic's would be left out
    page.get_by_label("Register profile").select_option("siber-1")
    page.get_by_role("button", name="Export in the background").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export in the background")
    expect(page.get_by_role("status")).to_contain_text("courses were exported")
    expect(page).to_have_url(re.compile(r"/reports/regions/\d+/registers/jobs/[0-9a-f-]{36}/$"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Export \d+ as CSV")).click()
    text = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.startswith("pseudonym,episode_ref,unit,red_flag")
    assert len(rows) == courses - already > 0
    assert {row["unit"] for row in rows} >= {"riverside"}  # more than one clinic's courses
    assert len({row["unit"] for row in rows}) > 1
    assert validate(text, load_profile("siber", 1)) == []  # every cell by the codebook

    # Again: nothing new goes out.
    page.get_by_role("link", name=re.compile("^← Exports to quality registers")).click()
    page.get_by_label("Register profile").select_option("siber-1")
    page.get_by_role("button", name="Export in the background").click()
    expect(page.get_by_role("status")).to_have_text(
        "Done: nothing new to export, every course was sent."
    )
    expect(page.get_by_role("link", name=re.compile(r"^Export \d+ as CSV"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("^← Exports to quality registers")).click()
    made = page.get_by_role("table", name="The region's exports, newest first")
    expect(made.get_by_role("row")).to_have_count(2)  # the header and the one export
