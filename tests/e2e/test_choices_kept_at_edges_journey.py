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
from tests.e2e.conftest import cookie_sign_in, sign_in
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


def test_a_letter_refused_back_to_its_page_keeps_the_words_and_says_so(page, e2e_world):
    """A letter refused (its language no longer one of the clinic's, changed while the
    page was open) went back to the letters page with the reason, and the therapist's
    words were gone."""
    from tessera.core.actions import do_update_patient_details
    from tessera.letters.models import Letter

    clinic, therapist = e2e_world.clinic, e2e_world.therapist
    clinic.languages = ["sv", "en"]
    clinic.save(update_fields=["languages"])
    do_update_patient_details(
        e2e_world.patient, acting_user=therapist, gp_name="Dr Eva Ek", letters_to_gp=True
    )
    words = "Pia works hard on her exposure steps; call us any time."
    episode = e2e_world.patient.episodes.get()
    cookie_sign_in(page, therapist.email, f"/episodes/{episode.pk}/letters/")
    main = page.get_by_role("main")
    main.get_by_role("combobox", name=re.compile(r"^Letter\b")).select_option("started")
    main.get_by_label("Language of the letter").select_option("en")
    main.get_by_label(re.compile("A few words of your own")).fill(words)
    clinic.languages = ["sv"]  # changed meanwhile, in another window
    clinic.save(update_fields=["languages"])
    main.get_by_role("button", name="Write the letter").click()
    page.wait_for_load_state()
    main = page.get_by_role("main")
    expect(main.get_by_label(re.compile("A few words of your own"))).to_have_value(words)
    notice = "What you had typed is back in the form: correct it and send it again."
    expect(main.get_by_role("status").filter(has_text=notice)).to_be_visible()
    expect(page.get_by_text("You were signed out before this form was sent.")).to_have_count(0)
    assert not Letter.objects.exists()
