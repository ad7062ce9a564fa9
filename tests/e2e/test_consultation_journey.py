"""A therapist asks a colleague about a patient; the colleague opens the patient's record
through the grant and comments; the therapist reads the comment."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.consultation.models import ConsultationComment, ConsultationRequest
from tessera.core import actions
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_therapist_asks_a_colleague_who_answers_through_the_grant(page, e2e_world):
    colleague = make_user(
        "colleague@alpha.test", second_factor=True, first_name="Kim", last_name="Kollega"
    )
    actions.do_grant_role(colleague, e2e_world.clinic, Role.THERAPIST)
    patient = e2e_world.patient

    cookie_sign_in(page, e2e_world.therapist.email, f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Ask a colleague").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a colleague")
    page.get_by_label("Who do you want to ask?").select_option(label="Kim Kollega")
    page.get_by_label("Your question").fill("Would you add the sleep module now?")
    page.get_by_label("A draft you want reviewed (optional)").fill("Dear Pia, well done.")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("status")).to_contain_text("Your question was sent.")
    _sign_out(page)

    cookie_sign_in(page, colleague.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consultations").click()
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_text("Would you add the sleep module now?")).to_be_visible()
    expect(page.get_by_text("Dear Pia, well done.")).to_be_visible()
    page.get_by_role("link", name="Open the patient's record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pia Larsson")
    page.go_back()
    page.get_by_label("Your comment").fill("Yes, her sleep diary supports it.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was added.")
    _sign_out(page)

    cookie_sign_in(page, e2e_world.therapist.email, "/consultations/mine/")
    new_comments = page.get_by_role("table").get_by_role("row").nth(1).get_by_role("cell").last
    expect(new_comments).to_have_text("1")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_text("Yes, her sleep diary supports it.")).to_be_visible()

    request = ConsultationRequest.objects.get()
    assert ConsultationComment.objects.get(request=request).author == colleague
    read = AuditEvent.objects.filter(actor=colleague, action="patient.viewed").get()
    assert read.purpose == AuditEvent.Purpose.CONSULTATION
