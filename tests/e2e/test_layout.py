"""Phone-width layout (320 px) and keyboard basics on the home and sign-in pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

PAGES = {"home": "/", "login": "/accounts/login/"}

# Inputs, selects and text areas with no name from a non-empty <label>, aria-label or
# aria-labelledby (hidden and button-like inputs need none).
UNLABELLED_FIELDS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => ![...(el.labels || [])].some(label => label.textContent.trim())
             && !(el.getAttribute('aria-label') || '').trim()
             && !(el.getAttribute('aria-labelledby') || '').trim())
  .map(el => el.outerHTML)"""


def _screenshot(page, name: str) -> None:
    """Save a full-page screenshot when TESSERA_E2E_SCREENSHOTS names a directory."""
    directory = os.environ.get("TESSERA_E2E_SCREENSHOTS")
    if directory:
        page.screenshot(path=str(Path(directory) / f"tessera-{name}-320.png"), full_page=True)


def _assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, "
        "client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= 320, f"{page.url} scrolls sideways at 320 px: {widths}"


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_320px_and_skip_link_works(phone_page, name):
    page = phone_page
    page.goto(PAGES[name])
    _assert_no_horizontal_scroll(page)
    _screenshot(page, name)

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_patient_home_has_no_horizontal_scroll_at_320px(phone_page, e2e_world):
    cookie_sign_in(phone_page, e2e_world.patient.user.email)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Welcome, Pia")
    _assert_no_horizontal_scroll(phone_page)
    _screenshot(phone_page, "patient-home")


def test_every_field_on_the_login_page_has_a_label(phone_page):
    phone_page.goto(PAGES["login"])
    assert phone_page.locator("input:not([type=hidden])").count() >= 2
    assert phone_page.evaluate(UNLABELLED_FIELDS_JS) == []


def test_a_long_event_chosen_on_the_audit_search_is_read_whole_at_320px(phone_page, e2e_world):
    """The audit search's event list holds names of some 50 to 66 characters; a select
    showed the chosen one on one line, cut at about 30 (decision 0137)."""
    manager = make_user("manager@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, e2e_world.clinic, Role.CLINIC_MANAGER)
    cookie_sign_in(phone_page, manager, "/audit/")
    select = phone_page.get_by_label("Event", exact=True)
    options = select.evaluate("s => [...s.options].map(o => [o.value, o.text])")
    value, text = max(options, key=lambda option: len(option[1]))
    select.select_option(value)
    assert len(text) > 45
    box = select.bounding_box()
    assert box["height"] > 60, f"the chosen {text!r} is on one line, cut: {box}"
    assert box["x"] + box["width"] <= 320
    _assert_no_horizontal_scroll(phone_page)
    _screenshot(phone_page, "audit-search-event")
