"""A patient has "I need help" open when the clinic ends the treatment, and sends it: the
page answered "Page not found", the words lost and no number to call. Now it says that
nothing reaches the clinic from it any more, shows what was written and the crisis
numbers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Episode
from tessera.safety.models import RiskAlert
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_a_call_for_help_sent_after_the_end_shows_the_crisis_numbers(page, e2e_world):
    cookie_sign_in(page, "patient@alpha.test", "/me/help/")
    page.get_by_label("What do you need help with?").fill("I cannot sleep and I am scared")
    Episode.objects.filter(patient=e2e_world.patient).update(status=Episode.Status.ENDED)
    page.get_by_role("button", name="Send to my clinic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I need help")
    expect(
        page.get_by_text("Your treatment has ended, so this page no longer sends")
    ).to_be_visible()
    expect(page.get_by_text("Your message was not sent.")).to_be_visible()
    expect(page.get_by_text("I cannot sleep and I am scared")).to_be_visible()
    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text(
        "If you are thinking about harming yourself"
    )
    assert not RiskAlert.objects.exists()
