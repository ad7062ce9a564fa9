"""Signing in through the browser: staff with and without a second factor, lockout."""

from __future__ import annotations

import re

from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import PASSWORD, TOTP_SECRET
from tests.e2e.conftest import current_totp_code, sign_in

ACTIVATE_TOTP = re.compile(r"/accounts/2fa/totp/activate/$")


def test_staff_sign_in_with_authenticator_code_and_open_a_patient(page, e2e_world):
    sign_in(page, e2e_world.therapist.email)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/$"))
    caseload = page.get_by_role("region", name="Your caseload")
    expect(caseload).to_be_visible()
    patient_link = caseload.get_by_role("link", name="Pia Larsson")
    expect(patient_link).to_be_visible()

    patient_link.click()
    expect(page).to_have_url(re.compile(rf"/patients/{e2e_world.patient.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pia Larsson")


def test_staff_without_a_second_factor_must_set_one_up(page, e2e_world):
    sign_in(page, e2e_world.staff_no_mfa.email)
    # allauth asks for the password once more before a second factor is added, even
    # straight after signing in ("Confirm that it is you"); the next stop is the set-up page.
    if "/accounts/reauthenticate/" in page.url:
        assert "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F" in page.url
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(ACTIVATE_TOTP)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")

    page.goto("/patients/")
    expect(page).to_have_url(ACTIVATE_TOTP)
    expect(page.get_by_role("alert")).to_contain_text("Set up a second factor")


def test_five_wrong_passwords_lock_the_account(page, e2e_world):
    email = e2e_world.patient.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, email, "not-the-password-at-all")

    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    # Still not signed in.
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
