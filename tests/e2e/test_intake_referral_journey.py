"""A GP refers a patient by the web form and gets a receipt with a reference; the intake
coordinator finds the referral in the queue, with the referrer and a letter of receipt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic
from tessera.core.roles import Role
from tessera.intake.models import Application
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def clinic_and_coordinator(transactional_db):
    region = actions.do_create_region(name="Referral Region", country="SE")
    clinic = make_clinic(region, "harbour", referral_model=Clinic.Referral.BOTH)
    coordinator = make_user("intake@harbour.test", second_factor=True, first_name="Ivar")
    actions.do_grant_role(coordinator, clinic, Role.INTAKE_COORDINATOR)
    return clinic, coordinator


def test_a_gp_refers_and_the_coordinator_sees_it(page, clinic_and_coordinator):
    clinic, coordinator = clinic_and_coordinator
    page.goto("/c/harbour/professionals/")
    page.goto("/c/harbour/refer/")
    fields = {
        "#id_referrer-referrer_name": "Dr Eva Berg",
        "#id_referrer-organisation": "Harbour Health Centre",
        "#id_referrer-role": "GP",
        "#id_referrer-phone": "+46 8 123 456",
        "#id_referrer-secure_email": "eva@health.example",
        "#id_referrer-reason": "Low mood and poor sleep for three months.",
        "#id_patient-first_name": "Rut",
        "#id_patient-last_name": "Referred",
        "#id_patient-date_of_birth": "1981-02-03",
        "#id_patient-email": "rut@example.test",
    }
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("#id_referrer-consent_to_letters").check()
    page.get_by_role("main").get_by_role("button").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, the referral has been received"
    )
    application = Application.objects.get(last_name="Referred")
    expect(page.locator("#reference")).to_have_text(application.reference)

    cookie_sign_in(page, coordinator.email, "/intake/")
    row = page.get_by_role("table").get_by_role("row").nth(1)
    expect(row).to_contain_text("Rut Referred")
    expect(row).to_contain_text("Professional referral")
    row.get_by_role("link", name="Rut Referred").click()
    expect(page.get_by_role("main")).to_contain_text("Dr Eva Berg")
    expect(page.locator("#letters-heading + ul")).to_contain_text("referral received")
