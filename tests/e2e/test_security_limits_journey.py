"""A GP at a clinic with a referral limit of its own: the browser stops the reason at its
maximum length, the second referral in the hour is refused with what was typed kept, and
the clinic's manager finds the refusal among the security events (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic
from tessera.core.roles import Role
from tessera.core.validation import TEXT_MAX_LENGTH
from tessera.intake.models import Application
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

FIELDS = {
    "#id_referrer-referrer_name": "Dr Eva Berg",
    "#id_referrer-organisation": "Harbour Health Centre",
    "#id_referrer-role": "GP",
    "#id_referrer-phone": "+46 8 123 456",
    "#id_referrer-secure_email": "eva@health.example",
    "#id_patient-first_name": "Rut",
    "#id_patient-last_name": "Referred",
    "#id_patient-date_of_birth": "1981-02-03",
    "#id_patient-email": "rut@example.test",
}


@pytest.fixture
def clinic_and_manager(transactional_db, settings):
    region = actions.do_create_region(name="Limits Region", country="SE")
    clinic = make_clinic(region, "harbour", referral_model=Clinic.Referral.BOTH)
    manager = make_user("manager@harbour.test", second_factor=True, first_name="Maj")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    settings.TESSERA_CLINIC_RATE_LIMITS = {"harbour": {"referral_form": "1/h"}}
    return clinic, manager


def _refer(page, reason: str) -> None:
    page.goto("/c/harbour/refer/")
    for selector, value in FIELDS.items():
        page.locator(selector).fill(value)
    page.locator("#id_referrer-reason").fill(reason)
    page.get_by_role("main").get_by_role("button").last.click()


def test_lengths_and_a_clinics_own_limit(page, clinic_and_manager):
    clinic, manager = clinic_and_manager
    page.goto("/c/harbour/refer/")
    reason = page.locator("#id_referrer-reason")
    expect(reason).to_have_attribute("maxlength", str(TEXT_MAX_LENGTH))

    _refer(page, "Low mood. " + "x" * (TEXT_MAX_LENGTH + 50))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, the referral has been received"
    )
    # The browser stopped the text at the limit; the server took it whole.
    assert len(Application.objects.get().referral.reason) == TEXT_MAX_LENGTH

    _refer(page, "A second person, low mood.")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Too many referrals have been sent from here")
    expect(page.locator("#id_referrer-reason")).to_have_value("A second person, low mood.")
    assert Application.objects.count() == 1

    cookie_sign_in(page, manager.email, "/audit/security/")
    expect(page.get_by_role("table")).to_contain_text("Request refused by a rate limit")
