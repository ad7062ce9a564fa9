"""What a therapist sees at two more edges found walking the demo: a question to a
colleague sent from a page left open while the patient was discharged (Page not found,
the question lost), and a message sent again after going back to the conversation (a
second message, and a second notice to the patient)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.consultation.models import ConsultationRequest
from tessera.core.models import Episode, Patient, User
from tessera.messaging.models import Message
from tessera.treatment.ending import close_episode
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


@pytest.fixture
def episode(seeded_demo):
    patient = Patient.objects.get(user__email="patient@demo.tessera.test")
    return Episode.objects.filter(patient=patient).exclude(status="ended").get()


def test_a_question_sent_after_the_discharge_is_shown_back_to_copy(page, episode):
    cookie_sign_in(page, "therapist@demo.tessera.test", f"/consultations/ask/{episode.pk}/")
    who = page.get_by_label("Who do you want to ask?")
    who.select_option(index=1)
    page.get_by_label("Your question").fill("Would a booster session help her?")
    close_episode(  # discharged meanwhile, elsewhere
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        reason="completed",
        note="",
    )
    before = ConsultationRequest.objects.count()
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a colleague")
    expect(page.get_by_role("alert")).to_contain_text(
        "The treatment has ended, so no colleague can be asked about it any more."
    )
    expect(page.get_by_role("alert")).to_contain_text("Would a booster session help her?")
    expect(page.get_by_role("link", name="Back to the episode")).to_be_visible()
    assert ConsultationRequest.objects.count() == before


def test_a_message_sent_again_after_going_back_is_sent_once(page, episode):
    cookie_sign_in(page, "therapist@demo.tessera.test")
    conversation = f"/episodes/{episode.pk}/messages/"
    words = "Your next module opens on Monday."
    page.goto(conversation)
    page.locator("#id_body").fill(words)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your message has been sent.")
    page.go_back()
    expect(page).to_have_url(re.compile(f"{conversation}$"))
    wait_for_scripts(page)
    page.locator("#id_body").fill(words)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(
        page.get_by_text("This message was already sent. Nothing was sent twice.")
    ).to_be_visible()
    assert Message.objects.filter(episode=episode, body=words).count() == 1
    expect(page.locator(".conversation").get_by_text(words)).to_have_count(1)


def test_time_recorded_again_after_going_back_is_recorded_once(page, episode):
    from tessera.workload.models import TimeEntry

    cookie_sign_in(page, "therapist@demo.tessera.test", f"/workload/episodes/{episode.pk}/")
    form = page.locator("form[aria-labelledby='add-heading']")
    form.get_by_label("Minutes").fill("25")
    form.get_by_label("Why").fill("Phone call with her GP")
    form.get_by_role("button", name="Record time").click()
    expect(page.get_by_text("The time was recorded.")).to_be_visible()
    page.go_back()
    wait_for_scripts(page)
    form = page.locator("form[aria-labelledby='add-heading']")
    form.get_by_label("Minutes").fill("25")
    form.get_by_label("Why").fill("Phone call with her GP")
    form.get_by_role("button", name="Record time").click()
    expect(
        page.get_by_text("This time was already recorded. Nothing was recorded twice.")
    ).to_be_visible()
    assert TimeEntry.objects.filter(episode=episode, reason="Phone call with her GP").count() == 1


def test_a_care_model_change_sent_after_the_discharge_changes_nothing(page, episode):
    cookie_sign_in(page, "therapist@demo.tessera.test")
    sessions = f"/episodes/{episode.pk}/sessions/"
    page.goto(sessions)
    form = page.locator(f"form[action$='/episodes/{episode.pk}/care-model/']")
    form.get_by_label("Care model").select_option(value="face_to_face")
    form.get_by_label("Why").fill("She would rather meet")
    close_episode(  # discharged meanwhile, elsewhere
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        reason="completed",
        note="",
    )
    form.get_by_role("button", name="Change").click()
    expect(page).to_have_url(re.compile(f"{sessions}$"))
    expect(
        page.get_by_text("the treatment has ended, so its care model can no longer change")
    ).to_be_visible()
    episode.refresh_from_db()
    assert episode.care_model != "face_to_face"


def test_the_plan_and_ask_pages_opened_again_after_the_discharge(page, episode):
    """A therapist had the plan page and the ask page open; the patient was discharged
    elsewhere; reloading either said Page not found."""
    cookie_sign_in(page, "therapist@demo.tessera.test", f"/patients/{episode.patient_id}/plan/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    close_episode(  # discharged meanwhile, elsewhere
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        reason="completed",
        note="",
    )
    page.reload()
    expect(page.get_by_role("status").filter(has_text="its plan can no longer")).to_contain_text(
        "This treatment has ended, so its plan can no longer be changed. It is shown here."
    )
    expect(page.get_by_role("heading", name="Plan and progress", level=2)).to_be_visible()
    page.goto(f"/consultations/ask/{episode.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a colleague")
    expect(page.get_by_role("status").filter(has_text="no colleague can be asked")).to_contain_text(
        "The treatment has ended, so no colleague can be asked about it any more."
    )
    expect(page.get_by_role("button", name="Send the question")).to_have_count(0)
    page.get_by_role("link", name="Back to the episode").click()
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/$"))


def test_the_patients_page_after_the_care_moved_to_a_colleague(page, episode):
    """The therapist's page about a patient handed to a colleague meanwhile, opened
    again: it said Page not found, as for an address that never existed."""
    from tessera.core.actions.staff import do_change_therapist

    cookie_sign_in(page, "therapist@demo.tessera.test", f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    do_change_therapist(  # elsewhere, by the manager
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        to_user=User.objects.get(email="therapist2@demo.tessera.test"),
        reason="Parental leave",
    )
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("You can no longer open this record")
    expect(page.get_by_text("may have moved to a colleague")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(re.compile(r"/$"))
