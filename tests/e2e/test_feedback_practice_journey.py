"""A therapist practises feedback: picks a template, checks the draft, sees the remarks
change after editing, and saves the practice reply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.feedback import actions
from tessera.feedback.models import PracticeReply
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e

TEMPLATE = (
    "Hi {name},\n\nThank you for filling in your diary for {module}. You wrote: "
    "\u201c{quote}\u201d\n\nNo rush with the next module, do it whenever you have time."
)


def test_a_therapist_practises_feedback_with_a_template_and_the_check(page, e2e_world):
    therapist = e2e_world.therapist
    actions.do_create_training_patient(therapist, e2e_world.clinic, acting_user=therapist)
    actions.do_create_template(
        acting_user=therapist, title="Diary thanks", language="en", body=TEMPLATE
    )

    cookie_sign_in(page, therapist.email)
    page.get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice feedback")
    expect(page.get_by_role("main")).to_contain_text("Sunday: went for a walk by the river")
    wait_for_scripts(page)  # the picker is an htmx form: without htmx it opens a page

    page.get_by_label("Start from a template").select_option(label="Diary thanks (English)")
    page.get_by_role("button", name="Insert template").click()
    reply = page.get_by_role("textbox", name=re.compile("^Your reply"))
    expect(reply).to_have_value(re.compile(r"^Hi Sam,"))
    expect(reply).to_have_value(re.compile("Activity and mood"))
    expect(reply).to_have_value(re.compile("Monday: stayed in bed until eleven"))

    page.get_by_role("button", name="Check this draft").click()
    flexibility = page.locator('[data-code="no_deadline_flexibility"]')
    expect(flexibility).to_have_attribute("data-met", "no")
    expect(flexibility).to_contain_text("no rush")

    text = reply.input_value().replace(
        "No rush with the next module, do it whenever you have time.",
        "This week, try to plan one small activity each day, like the walk with your sister. "
        "Keep going, you are on the right track.",
    )
    reply.fill(text)
    page.get_by_role("button", name="Check this draft").click()
    expect(flexibility).to_have_attribute("data-met", "yes")
    expect(page.locator('[data-code="affirms_encourages"]')).to_have_attribute("data-met", "yes")

    page.get_by_role("button", name="Save practice reply").click()
    expect(page.get_by_role("status").first).to_contain_text("Your practice reply was saved.")
    expect(page.locator(".practice-replies")).to_contain_text("plan one small activity")
    assert PracticeReply.objects.get().body.startswith("Hi Sam,")


def test_the_practice_page_fits_a_phone(phone_page, e2e_world):
    therapist = e2e_world.therapist
    actions.do_create_training_patient(therapist, e2e_world.clinic, acting_user=therapist)
    actions.do_create_template(
        acting_user=therapist, title="A rather long template title", language="en", body="Hi"
    )
    cookie_sign_in(phone_page, therapist.email, "/feedback/practice/")
    expect(phone_page.get_by_role("button", name="Check this draft")).to_be_visible()
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320
