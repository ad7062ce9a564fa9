"""The footer language selector switches the whole page between English and Swedish."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import cookie_sign_in


def _language_controls(page):
    footer = page.get_by_role("contentinfo")
    return footer.get_by_role("combobox"), footer.get_by_role("button")


def _change_language(page, code: str) -> None:
    select, button = _language_controls(page)
    select.select_option(code)
    with page.expect_navigation():
        button.click()


def test_a_patient_switches_to_swedish_and_back(page, e2e_world):
    cookie_sign_in(page, e2e_world.patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Pia")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    select, button = _language_controls(page)
    expect(select).to_have_accessible_name("Language")
    expect(button).to_have_text("Change language")
    english_label = button.inner_text().strip()

    _change_language(page, "sv")
    expect(html).to_have_attribute("lang", "sv")
    expect(select).to_have_value("sv")
    swedish_label = button.inner_text().strip()
    assert swedish_label and swedish_label != english_label, (
        "the language button is still in English: is the Swedish catalogue translated "
        "and compiled (cd tessera && ../manage.py compilemessages)?"
    )

    _change_language(page, "en")
    expect(html).to_have_attribute("lang", "en")
    expect(select).to_have_value("en")
    expect(button).to_have_text("Change language")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Pia")
