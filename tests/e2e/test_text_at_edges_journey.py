"""No typed text is lost at the edges (issue 14), walked in a browser: a safety plan
saved after the session expired comes back after signing in again; "Sign out" asks
before discarding a message not yet saved, and the saved draft is there next time."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tessera.core.demo import DEMO_PASSWORD
from tessera.core.models import Patient
from tessera.safety.actions.plans import do_save_safety_plan
from tessera.safety.models import SafetyPlan
from tessera.treatment.models import WorksheetAnswer
from tests.conftest import PASSWORD
from tests.e2e.conftest import cookie_sign_in, sign_in
from tests.e2e.test_plan_journey import _open_text_field


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


SIGNS = "I stop answering the phone, and I stay in bed all day"


def test_a_safety_plan_saved_after_the_session_expired_is_not_lost(page, e2e_world):
    episode = e2e_world.patient.episodes.get()
    do_save_safety_plan(
        episode, acting_user=e2e_world.therapist, parts={"warning_signs": "Bad sleep"}, based_on=0
    )
    sign_in(page, "patient@alpha.test")
    page.goto("/me/safety-plan/")
    page.get_by_role("link", name="Change the safety plan").click()
    page.get_by_label("My warning signs").fill(SIGNS)
    Session.objects.all().delete()  # the session ends while the patient writes
    page.get_by_role("button", name="Save the safety plan").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_text("You were signed out before this form was sent.")).to_be_visible()
    page.get_by_label("Email").fill("patient@alpha.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/me/safety-plan/\?edit=1$"))
    expect(page.get_by_role("status").filter(has_text="What you had typed")).to_be_visible()
    expect(page.get_by_label("My warning signs")).to_have_value(SIGNS)
    page.get_by_role("button", name="Save the safety plan").click()
    expect(page.get_by_text("The safety plan was saved.")).to_be_visible()
    assert SafetyPlan.objects.get().parts["warning_signs"] == SIGNS


def test_signing_out_asks_before_discarding_a_message_and_keeps_the_saved_draft(page, e2e_world):
    sign_in(page, "patient@alpha.test")
    page.goto("/me/messages/")
    message = page.get_by_label("Your message")
    message.fill("I could not do the exercise this week because")
    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("dialog", name="Your text is not saved yet")
    expect(warning).to_be_visible()
    warning.get_by_role("button", name="Go back to my text").click()
    expect(warning).to_be_hidden()
    expect(message).to_be_focused()
    expect(message).to_have_value("I could not do the exercise this week because")
    # once the draft is saved on the server, signing out needs no question ...
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible(timeout=8000)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    # ... and the text is there after signing in again, in any browser
    sign_in(page, "patient@alpha.test")
    page.goto("/me/messages/")
    expect(page.get_by_label("Your message")).to_have_value(
        "I could not do the exercise this week because"
    )


def test_signing_out_anyway_discards_the_text(page, e2e_world):
    sign_in(page, "patient@alpha.test")
    page.goto("/me/safety-plan/?edit=1")
    page.get_by_label("My warning signs").fill("Not for anyone else's eyes")
    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("dialog", name="Your text is not saved yet")
    warning.get_by_role("button", name="Sign out and discard it").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    kept = "Object.keys(localStorage).filter(k => k.startsWith('tessera-')).length"
    assert page.evaluate(kept) == 0
    assert not SafetyPlan.objects.exists()


def test_a_worksheet_written_after_the_session_expired_is_saved_after_signing_in(page, demo):
    sign_in(page, "patient@demo.tessera.test", DEMO_PASSWORD)
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    Session.objects.all().delete()
    page.locator(f"[name='{field['key']}']").fill("I went for a walk with Anna.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("You have been signed out")
    assert not WorksheetAnswer.objects.filter(entry=entry, step=step).exists()

    sign_in(page, "patient@demo.tessera.test", DEMO_PASSWORD)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    expect(page.locator(f"[name='{field['key']}']")).to_have_value("I went for a walk with Anna.")
    expect(status).to_contain_text("Saved.")
    answer = WorksheetAnswer.objects.get(entry=entry, step=step)
    assert answer.values[field["key"]] == "I went for a walk with Anna."


def test_a_worksheet_typed_in_a_tab_drawn_before_signing_in_again_says_so_and_is_kept(page, demo):
    """The worksheet's autosave (fetch) from a tab drawn before the person signed out and
    in again in another tab: it followed the redirect back to the page unseen and then
    said "kept on this device" and retried every 15 seconds, never saving."""
    sign_in(page, "patient@demo.tessera.test", DEMO_PASSWORD)
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    other = page.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(other, "patient@demo.tessera.test", DEMO_PASSWORD)
    other.close()

    page.locator(f"[name='{field['key']}']").fill("I phoned my sister.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text(
        "This page was opened before you last signed in, so this was not saved. "
        "Open the page again."
    )
    assert not WorksheetAnswer.objects.filter(entry=entry, step=step).exists()

    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    expect(page.locator(f"[name='{field['key']}']")).to_have_value("I phoned my sister.")
    expect(status).to_contain_text("Saved.")
    answer = WorksheetAnswer.objects.get(entry=entry, step=step)
    assert answer.values[field["key"]] == "I phoned my sister."


def test_a_form_open_in_a_tab_while_signing_out_and_in_again_in_another_keeps_its_text(
    page, e2e_world
):
    """Signing in again (in another tab) gives the browser a new CSRF token: a form
    drawn before it was refused with Django's English page about forgery, the text lost."""
    sign_in(page, "patient@alpha.test")
    page.goto("/me/safety-plan/?edit=1")
    page.get_by_label("My warning signs").fill(SIGNS)
    other = page.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(other, "patient@alpha.test")
    other.close()

    page.get_by_role("button", name="Save the safety plan").click()
    expect(page).to_have_url(re.compile(r"/me/safety-plan/\?edit=1$"))
    stale = "This page was opened before you last signed in, so the form was not sent."
    expect(page.get_by_text(stale)).to_be_visible()
    expect(page.get_by_label("My warning signs")).to_have_value(SIGNS)
    assert not SafetyPlan.objects.exists()
    page.get_by_role("button", name="Save the safety plan").click()
    expect(page.get_by_text("The safety plan was saved.")).to_be_visible()
    assert SafetyPlan.objects.get().parts["warning_signs"] == SIGNS


def test_a_safety_plan_sent_after_the_treatment_ended_shows_what_was_not_saved(page, e2e_world):
    from tessera.core.models import Episode

    cookie_sign_in(page, "patient@alpha.test", "/me/safety-plan/?edit=1")
    page.get_by_label("My warning signs").fill(SIGNS)
    Episode.objects.filter(patient=e2e_world.patient).update(status=Episode.Status.ENDED)
    page.get_by_role("button", name="Save the safety plan").click()
    ended = "The treatment has ended, so the safety plan can no longer be changed."
    expect(page.get_by_role("alert").filter(has_text=ended)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=ended)).to_contain_text(SIGNS)
    assert not SafetyPlan.objects.exists()


def test_a_message_sent_after_the_writing_days_ended_is_shown_back(page, e2e_world):
    import datetime as dt

    from tessera.core.models import Episode
    from tessera.messaging.models import Message

    cookie_sign_in(page, "patient@alpha.test", "/me/messages/")
    page.get_by_label("Your message").fill("I am not doing well again")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    Episode.objects.filter(patient=e2e_world.patient).update(
        status=Episode.Status.ENDED, ended_on=yesterday, read_only_from=yesterday
    )
    page.get_by_role("button", name="Send", exact=True).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Your message was not sent.")
    expect(main).to_contain_text("I am not doing well again")
    assert not Message.objects.exists()


def test_a_message_draft_typed_after_signing_out_in_another_tab_says_so_in_one_line(
    page, e2e_world
):
    sign_in(page, "patient@alpha.test")
    page.goto("/me/messages/")
    other = page.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    other.close()
    page.get_by_label("Your message").fill("I wanted to tell you that")
    status = page.locator("#draft-status")
    expect(status).to_have_text(
        "You have been signed out, so this was not saved. Sign in again before you send it.",
        timeout=10_000,
    )
    expect(page.locator("main form input[type=password]")).to_have_count(0)
