"""What was chosen, not only what was typed, comes back after the session ran out while
the form was open (or a form drawn before signing in again in another tab was refused):
idle.js kept text, e-mail, number and date fields and lists, but not a choice of
buttons (radio, checkbox) or a date with a time (``datetime-local``). A patient who
chose "cancel it" and wrote why found the note back and the choice gone; sent again as
it stood, it asked for the other thing. Found sending forms after the session ended."""

from __future__ import annotations

import re

from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tessera.appointments.models import ChangeRequest
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.test_applicant_and_sessions_journey import coming_session  # noqa: F401

WHY = "I start a new job that week and cannot take time off"


def test_a_choice_made_before_the_session_ran_out_comes_back_with_the_text(
    page,
    e2e_world,
    coming_session,  # noqa: F811
):
    sign_in(page, "patient@alpha.test")
    page.goto("/me/sessions/")
    page.get_by_text("Ask to move or cancel").click()
    page.get_by_label("cancel it").check()
    page.get_by_label("Times that suit you, or why").fill(WHY)
    Session.objects.all().delete()  # the session ends while the patient writes
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill("patient@alpha.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("cancel it")).to_be_checked()
    expect(page.get_by_label("move it to another time")).not_to_be_checked()
    expect(page.get_by_label("Times that suit you, or why")).to_have_value(WHY)
    # The form was folded away (a closed "Ask to move or cancel"): it is opened, so the
    # text is seen to come back, with the word that it did.
    expect(page.get_by_label("Times that suit you, or why")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="What you had typed")).to_be_visible()
    assert not ChangeRequest.objects.exists()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status").filter(has_text="you asked to cancel it")).to_be_visible()
    assert ChangeRequest.objects.get().kind == "cancel"
