"""The same form sent twice in the browser: back and send again (decision 0067).

Tove raises a concern, goes back to the form the browser still shows and sends it again:
one alert, and the page says it was already raised.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.safety.models import RiskAlert
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_a_concern_sent_again_after_back_raises_one_alert(page, e2e_world):
    episode = e2e_world.patient.episodes.get()
    cookie_sign_in(page, e2e_world.therapist, f"/episodes/{episode.pk}/concern/")
    page.wait_for_load_state()
    main = page.get_by_role("main")
    main.get_by_label("high").check()
    main.get_by_label("What worries you").fill("Wrote that she cannot go on.")
    main.get_by_role("button", name="Raise the concern").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Concern raised.")).to_be_visible()
    first = page.url
    page.go_back()
    page.wait_for_load_state()
    main = page.get_by_role("main")
    main.get_by_label("high").check()
    main.get_by_label("What worries you").fill("Wrote that she cannot go on.")
    main.get_by_role("button", name="Raise the concern").click()
    page.wait_for_load_state()
    assert RiskAlert.objects.filter(episode=episode).count() == 1
    assert page.url == first
    expect(page.get_by_text("This concern was already raised")).to_be_visible()
