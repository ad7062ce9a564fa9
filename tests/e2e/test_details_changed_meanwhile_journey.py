"""The therapist has the patient's record open to add a GP; meanwhile the patient, in
their own browser, changes their mobile number. The therapist's save put the old number
back without a word; now it saves nothing, says so (409, as the other saves refused in
decision 0149), and keeps what was typed; "Save" again from there is a knowing choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tests.e2e.conftest import cookie_sign_in, new_context

pytestmark = pytest.mark.e2e


def test_a_record_changed_by_the_patient_meanwhile_is_not_saved_over(
    page, browser, live_server, e2e_world
):
    patient = e2e_world.patient
    cookie_sign_in(page, e2e_world.therapist, f"/patients/{patient.pk}/edit/")
    page.get_by_role("textbox", name="GP or referrer").fill("Dr Berg")

    context = new_context(browser, live_server, {"width": 1280, "height": 800})
    try:
        own = context.new_page()
        cookie_sign_in(own, "patient@alpha.test", "/me/edit/")
        own.get_by_label("Mobile phone").fill("+46 70 111 22 33")
        own.get_by_role("button", name="Save").click()
        expect(own.get_by_text("Your details were saved.")).to_be_visible()
    finally:
        context.close()

    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("main").get_by_role("button", name="Save").click()
    assert refused.value.status == 409
    expect(
        page.get_by_text("Someone else changed these details while you were editing.")
    ).to_be_visible()
    expect(page.get_by_role("textbox", name="GP or referrer")).to_have_value("Dr Berg")
    saved = Patient.objects.get(pk=patient.pk)
    assert (saved.phone, saved.gp_name) == ("+46 70 111 22 33", "")
    # Checked against the saved details (the new number typed in too), saved again.
    page.get_by_label("Mobile phone").fill("+46 70 111 22 33")
    page.get_by_role("main").get_by_role("button", name="Save").click()
    expect(page.get_by_text("The patient's details were saved.")).to_be_visible()
    saved = Patient.objects.get(pk=patient.pk)
    assert (saved.phone, saved.gp_name) == ("+46 70 111 22 33", "Dr Berg")
