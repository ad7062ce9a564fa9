"""A removal sent from a page left open while it was done elsewhere: Riverside's manager
has the crisis contacts open in two tabs and removes the same contact in both. The second
tab answered a bare "Page not found"; now it shows the list as it is, with a word."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import CrisisContact
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

CONTACTS = "/clinics/riverside/crisis-contacts/"


def test_a_crisis_contact_removed_in_another_tab_is_not_page_not_found(page, seeded_demo):
    cookie_sign_in(page, "manager@demo.tessera.test")
    before = CrisisContact.objects.filter(clinic__slug="riverside").count()
    page.goto(CONTACTS)
    other = page.context.new_page()
    other.goto(CONTACTS)
    remove = re.compile(r"^Remove ")
    label = other.get_by_role("button", name=remove).first.inner_text()
    other.get_by_role("button", name=label).click()
    expect(other.get_by_text("The crisis contact was removed.")).to_be_visible()
    other.close()

    page.get_by_role("button", name=label).click()
    expect(page).to_have_url(re.compile(f"{CONTACTS}$"))
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("not found")
    # The same manager removed it in the other tab: told it is already removed (0097).
    expect(page.get_by_text("Nothing was changed: this was already removed.")).to_be_visible()
    expect(page.get_by_role("button", name=label)).to_have_count(0)
    assert CrisisContact.objects.filter(clinic__slug="riverside").count() == before - 1
