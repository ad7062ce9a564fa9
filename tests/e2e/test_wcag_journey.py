"""WCAG checks in a real browser: focus moves to the error summary after a failed submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_focus_moves_to_the_error_summary_after_a_failed_submit(page, e2e_world):
    cookie_sign_in(page, e2e_world.patient.user.email, "/me/edit/")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("main").get_by_role("button").last.click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
