"""A person refers themself to a self-referral clinic, answers PHQ-9 with item 9 = 1,
sees the clinic's crisis contacts at once, and the intake coordinator finds the
application at the top of the queue, marked urgent."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic
from tessera.core.roles import Role
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application
from tests.conftest import PASSWORD, make_clinic, make_user
from tests.e2e.conftest import sign_in, staff_sign_in
from tests.intake.intake_helpers import consent_for, make_application


@pytest.fixture
def riverside(transactional_db):
    region = actions.do_create_region(name="Journey Region", country="SE")
    clinic = make_clinic(region, "riverside", referral_model=Clinic.Referral.SELF)
    apply_actions.do_publish_consent_text(
        clinic, language="en", text="We keep your answers to decide about your care."
    )
    coordinator = make_user("intake@riverside.test", second_factor=True, first_name="Ivar")
    actions.do_grant_role(coordinator, clinic, Role.INTAKE_COORDINATOR)
    consent_for(clinic)
    older = make_application(clinic, "older@apply.test", first="Olga", last="Older")
    return clinic, coordinator, older


def _answer(page, count: int, choice: str, overrides: dict | None = None) -> None:
    for n in range(1, count + 1):
        group = page.get_by_role("group", name=re.compile(rf"^{n}\."))
        options = group.get_by_role("radio")
        options.nth((overrides or {}).get(n, choice)).check()


def test_self_referral_with_a_risk_answer_is_urgent_at_once(page, riverside):
    clinic, coordinator, older = riverside
    email = "nina.new@apply.test"
    page.goto("/c/riverside/")
    page.get_by_role("link", name="Apply yourself").click()
    page.get_by_role("link", name="Start my application").click()
    # sign-up, opened for this flow
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    sign_in(page, email, PASSWORD)
    # consent and details
    expect(page.get_by_role("heading", level=1)).to_have_text("How we handle your information")
    page.get_by_label("I have read the text above and agree to it").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("Date of birth").fill("1990-05-06")
    page.get_by_role("button", name="Save and continue").click()
    # PHQ-9 with item 9 = 1 ("several days"): the next page shows the crisis contacts
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    _answer(page, 9, 1)
    page.get_by_role("button", name="Send these answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GAD-7")
    crisis = page.get_by_role("alert").filter(has_text="If you are thinking about harming yourself")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("112")
    application = Application.objects.get(applicant__email=email)
    assert application.urgent
    _answer(page, 7, 1)
    page.get_by_role("button", name="Send these answers").click()
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#phase")).to_have_text("Received")
    expect(page.get_by_role("main")).not_to_contain_text("mild")
    page.get_by_role("button", name="Sign out").click()

    # the intake coordinator: the new application is first, marked urgent
    staff_sign_in(page, coordinator.email)
    page.get_by_role("link", name="Intake queue").click()
    first = page.get_by_role("table").get_by_role("row").nth(1)
    expect(first).to_contain_text("Nina New")
    expect(first).to_contain_text("Urgent")
    expect(first).to_contain_text("PHQ-9 9")
    second = page.get_by_role("table").get_by_role("row").nth(2)
    expect(second).to_contain_text("Olga Older")
