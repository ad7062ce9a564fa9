"""Two edges of decision 0148, walked in a browser.

- The patient's "You have a new message" link opened on a computer where a therapist is
  still signed in: it was a bare "You do not have access to this page"; now it says
  whose session it is and signs out into the link, where the patient signs in and reads
  the message.
- A therapist writing in an ended course after the patient began a later one: the
  message was sent, notified, and never shown to the patient; now the page says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.messaging.models import Message
from tessera.portal.ending import do_end_episode
from tessera.treatment.actions import do_open_episode
from tests.conftest import PASSWORD
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


def test_a_patients_link_opened_in_a_therapists_session(page, e2e_world):
    link = "/me/messages/"
    main = page.get_by_role("main")
    cookie_sign_in(page, e2e_world.therapist)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(main).to_contain_text("You are signed in as therapist@alpha.test.")
    main.get_by_role("button", name="Sign out and open the link").click()
    wait_for_scripts(page)

    expect(page).to_have_url(re.compile(re.escape(f"next={link}")))
    page.get_by_label("Email").fill("patient@alpha.test")
    page.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign in").click()
    wait_for_scripts(page)
    expect(page).to_have_url(re.compile(re.escape(link) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")


def test_writing_in_an_ended_course_after_a_later_one_began(page, e2e_world):
    episode = e2e_world.patient.episodes.get()
    do_end_episode(episode, acting_user=e2e_world.therapist, reason="completed")
    cookie_sign_in(page, e2e_world.therapist, f"/episodes/{episode.pk}/messages/")
    main = page.get_by_role("main")
    main.get_by_label("Your message").fill("Your discharge summary is in the post.")
    # Meanwhile the patient is referred again and starts a new course.
    do_open_episode(
        e2e_world.patient, e2e_world.clinic, status="active", therapist=e2e_world.therapist
    )
    main.get_by_role("button", name="Send").click()
    wait_for_scripts(page)

    expect(main.locator("#elsewhere-notice")).to_contain_text("would not reach them")
    expect(main).to_contain_text("Your message was not sent.")
    expect(main).to_contain_text("Your discharge summary is in the post.")
    expect(main.get_by_role("button", name="Send")).to_have_count(0)
    assert not Message.objects.exists()
