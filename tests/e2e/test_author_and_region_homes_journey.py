"""The demo's content author and region administrator sign in and find their work on
their homes (decision 0161), each a count that links to the page listing it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_authors_home_shows_drafts_and_translations(page, seeded_demo):
    cookie_sign_in(page, "author@demo.tessera.test", "/")
    part = page.get_by_role("region", name="Your work in the library")
    expect(part).to_contain_text("1 translation being written, not yet published")
    expect(part).to_contain_text("not yet in every language of the region's clinics")
    fits_and_passes_axe(page)
    part.get_by_role("link", name="1 translation being written, not yet published").click()
    expect(page.get_by_role("heading", name="Modules")).to_be_visible()


def test_the_region_administrators_home_shows_the_clinics_to_fix(page, seeded_demo):
    from tessera.core.models import Clinic, CrisisContact

    # A clinic of the demo loses its crisis contacts: it may not take patients.
    CrisisContact.objects.filter(clinic=Clinic.objects.get(slug="harbour")).delete()
    cookie_sign_in(page, "region.admin@demo.tessera.test", "/")
    part = page.get_by_role("region", name="Your region")
    expect(part).to_contain_text("1 clinic needs attention")
    fits_and_passes_axe(page)
    part.get_by_role("link", name="1 clinic needs attention").click()
    expect(page.get_by_text("No crisis contacts of its own")).to_be_visible()
