"""A request refused and said by a message takes the focus to the message, as a form's
error summary does, so a screen reader reads it and a keyboard user starts there; a
success stays a polite status line that moves nothing (decision 0125)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import Episode
from tests.e2e.conftest import sign_in, staff_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e

FOCUSED_REFUSAL = "() => document.activeElement.matches('[role=alert][data-refusal]')"


def test_a_message_sent_again_says_so_where_the_focus_is(page, e2e_world):
    episode = e2e_world.patient.episodes.get()
    conversation = f"/episodes/{episode.pk}/messages/"
    staff_sign_in(page, e2e_world.therapist.email)
    page.goto(conversation)
    words = "See you on Monday at ten."
    page.locator("#id_body").fill(words)
    page.get_by_role("button", name="Send", exact=True).click()
    wait_for_scripts(page)
    expect(page.get_by_role("status").first).to_contain_text("Your message has been sent.")
    assert not page.evaluate(FOCUSED_REFUSAL)
    page.go_back()
    expect(page).to_have_url(re.compile(f"{conversation}$"))
    wait_for_scripts(page)
    page.locator("#id_body").fill(words)
    page.get_by_role("button", name="Send", exact=True).click()
    wait_for_scripts(page)
    refusal = page.get_by_role("alert").filter(has_text="Nothing was sent twice.")
    expect(refusal).to_be_focused()


def test_a_patient_whose_message_nobody_reads_is_told_where_the_focus_is(phone_page, e2e_world):
    page = phone_page
    sign_in(page, "patient@alpha.test")
    page.goto("/me/messages/")
    page.locator("#id_body").fill("Is anyone there?")
    # The therapist leaves while the page is open.
    Episode.objects.filter(patient=e2e_world.patient).update(therapist=None)
    page.get_by_role("button", name="Send", exact=True).click()
    wait_for_scripts(page)
    refusal = page.get_by_role("alert").filter(has_text="Nobody reads messages in this course.")
    expect(refusal).to_be_focused()
    assert page.evaluate(FOCUSED_REFUSAL)
