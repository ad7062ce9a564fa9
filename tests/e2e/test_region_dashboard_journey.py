"""On the demo: the region administrator opens the region's implementation dashboard
from the reports page and compares the five demo clinics side by side, then downloads
that table as CSV."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tessera.core.models import Clinic
from tests.e2e.conftest import staff_sign_in

pytestmark = pytest.mark.e2e


def test_the_region_administrator_compares_the_five_demo_clinics(page, seeded_demo):
    staff_sign_in(page, "region.admin@demo.tessera.test", DEMO_TOTP_SECRET, password=DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=re.compile("^implementation dashboard of ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Implementation dashboard of the region"
    )
    side = page.get_by_role("table", name="The clinics side by side")
    names = list(Clinic.objects.order_by("name").values_list("name", flat=True))
    assert len(names) == 5
    expect(side.get_by_role("row")).to_have_count(1 + len(names))
    for name in names:
        expect(side.get_by_role("rowheader", name=name)).to_be_visible()
    expect(page.locator("figure.chart-figure svg").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “The clinics side by side” as CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Clinic,Applications,Started")
    assert all(name in text for name in names)
