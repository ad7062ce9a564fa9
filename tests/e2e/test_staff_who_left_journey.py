"""A staff member's page left open in a second tab while their last role was removed in
the first: Riverside's manager has the assessor's page open twice and clicks "Remove
the role Assessor" in both. The second tab answered a bare "Page not found"; now it
shows the clinic's staff page, saying the role was already removed and the person no
longer holds a role here (decision 0100)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import AuditEvent, ClinicRole, User
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_last_role_removed_in_another_tab_lands_on_the_staff_page(page, seeded_demo):
    manager = "manager@demo.tessera.test"
    cookie_sign_in(page, manager)
    assessor = User.objects.get(email="assessor@demo.tessera.test")
    assert ClinicRole.objects.filter(user=assessor, clinic__slug="riverside").count() == 1
    member = f"/clinics/riverside/staff/{assessor.pk}/"
    page.goto(member)
    other = page.context.new_page()
    other.goto(member)
    other.get_by_role("button", name="Remove the role Assessor").click()
    expect(other.get_by_text("The role was removed.")).to_be_visible()
    other.close()

    page.get_by_role("button", name="Remove the role Assessor").click()
    expect(page).to_have_url(re.compile(r"/clinics/riverside/staff/$"))
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("not found")
    expect(page.get_by_text("Nothing was changed: this was already removed.")).to_be_visible()
    expect(page.get_by_text(f"{assessor} no longer holds a role at this clinic.")).to_be_visible()
    # The page itself, opened again (a bookmark, the browser's history).
    page.goto(member)
    expect(page).to_have_url(re.compile(r"/clinics/riverside/staff/$"))
    expect(page.get_by_text(f"{assessor} no longer holds a role at this clinic.")).to_be_visible()
    denied = AuditEvent.objects.filter(action="security.access_denied", actor__email=manager)
    assert not denied.exists()
