"""A risk alert open in two tabs: the therapist resolves it in the first, then, in the
second, chooses an action, writes a note and clicks "Resolve the alert" again. That
answered the alert's page with no word why and the note gone; now the page says nothing
was changed and shows the note back to copy (decision 0100)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.safety.models import RiskAlert
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_an_alert_resolved_in_another_tab_keeps_the_second_note(page, e2e_world):
    tove = e2e_world.therapist
    episode = e2e_world.patient.episodes.get()
    cookie_sign_in(page, tove.email, f"/episodes/{episode.pk}/concern/")
    main = page.get_by_role("main")
    main.get_by_label("high").check()
    main.get_by_label("What worries you").fill("Wrote that she cannot go on.")
    main.get_by_role("button", name="Raise the concern").click()
    page.wait_for_load_state()
    alert = RiskAlert.objects.get()
    page.goto(f"/alerts/{alert.pk}/")
    other = page.context.new_page()
    other.goto(f"/alerts/{alert.pk}/")
    other_main = other.get_by_role("main")
    other_main.get_by_label("phoned the patient").check()
    other_main.get_by_label("What was done, or why nothing was needed").fill("Called her.")
    other_main.get_by_role("button", name="Resolve the alert").click()
    other.wait_for_load_state()
    other.close()

    main.get_by_label("risk assessment done").check()
    note = "Assessed with her: safe with her sister tonight."
    main.get_by_label("What was done, or why nothing was needed").fill(note)
    main.get_by_role("button", name="Resolve the alert").click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Nothing was changed: this alert had already been resolved.")
    expect(main.locator(".kept-text")).to_contain_text(note)
    assert RiskAlert.objects.get().action_note == "Called her."
