"""Issue 20, staff administration, in a real browser on the demo: Riverside's manager
gives the demo patient to another therapist (Theo) on the patient's overview, with a
reason; Theo then finds the patient as a "New patient" row in his inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import AuditEvent, Episode
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_demo_manager_changes_a_patients_therapist(page, browser, live_server, seeded_demo):
    episode = (
        Episode.objects.filter(patient__user__email="patient@demo.tessera.test")
        .exclude(status=Episode.Status.ENDED)
        .select_related("patient", "therapist")
        .get()
    )
    assert episode.therapist.email != "therapist2@demo.tessera.test"

    cookie_sign_in(page, "manager@demo.tessera.test", f"/episodes/{episode.pk}/")
    main = page.get_by_role("main")
    main.get_by_text("Change therapist", exact=True).first.click()
    main.get_by_label("New therapist").select_option(label="Theo Ek")
    main.get_by_label("Reason for the change").fill("The patient asked for another therapist")
    main.get_by_role("button", name="Change therapist").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Theo Ek is now the patient's therapist.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Theo Ek")
    assert AuditEvent.objects.filter(action="staff.therapist_changed").count() == 1

    context = browser.new_context(base_url=live_server.url)
    theo = context.new_page()
    try:
        cookie_sign_in(theo, "therapist2@demo.tessera.test", "/inbox/")
        row = theo.locator(f"#new-{episode.pk}")
        expect(row).to_contain_text("New patient")
        expect(row).to_contain_text(episode.patient.last_name)
    finally:
        context.close()
