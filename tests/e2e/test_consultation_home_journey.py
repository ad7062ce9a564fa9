"""The supervisor of the demo finds the therapists' question on their home, answers it,
and the home stops counting it; the asker's home then counts the answer they have not
read (decision 0162). Before, the supervisor's home named their role and the team's
inbox only."""

from __future__ import annotations

import pytest

from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_supervisor_answers_the_question_their_home_shows(page, live_server, seeded_demo):
    cookie_sign_in(page, "supervisor@demo.tessera.test")
    part = page.get_by_role("region", name="Consultations and supervision")
    assert part.get_by_role("link", name="You follow 1 case in supervision").is_visible()
    fits_and_passes_axe(page)
    part.get_by_role("link", name="1 question from a colleague has no answer yet").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Asked of me").is_visible()
    page.get_by_role("main").get_by_role("table").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Her scores have not moved for three weeks").is_visible()
    page.get_by_label("Your comment").fill("Offer the video session first; keep the order.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_load_state()
    assert page.get_by_text("Offer the video session first").is_visible()
    page.get_by_role("link", name="Home").click()
    page.wait_for_load_state()
    part = page.get_by_role("region", name="Consultations and supervision")
    assert part.get_by_role("link", name="You follow 1 case in supervision").is_visible()
    assert not part.get_by_text("no answer yet").count()

    asker = page.context.browser.new_context(base_url=live_server.url)
    try:
        other = asker.new_page()
        cookie_sign_in(other, "therapist2@demo.tessera.test")
        link = other.get_by_role("link", name="1 of your questions has an answer you have not read")
        assert link.is_visible()
        link.click()
        other.wait_for_load_state()
        assert other.get_by_role("heading", name="My questions").is_visible()
    finally:
        asker.close()
