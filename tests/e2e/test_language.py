"""The footer language selector switches the whole page between English and Swedish."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _change_language(page, code: str) -> None:
    footer = page.get_by_role("contentinfo")
    footer.locator("#language-select").select_option(code)
    with page.expect_navigation():
        footer.locator("form.language-form button[type=submit]").click()


def test_a_patient_switches_to_swedish_and_back(page, e2e_world):
    sign_in(page, e2e_world.patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Pia")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    button = page.get_by_role("contentinfo").locator("form.language-form button[type=submit]")
    english_label = button.inner_text().strip()
    assert english_label == "Change language"

    _change_language(page, "sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#language-select")).to_have_value("sv")
    swedish_label = button.inner_text().strip()
    assert swedish_label and swedish_label != english_label, (
        "the language button is still in English: is the Swedish catalogue translated "
        "and compiled (manage.py compilemessages)?"
    )

    _change_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(button).to_have_text("Change language")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Pia")
