"""A therapist writes, the patient (on a phone) reads and replies, and the therapist sees
the reply and the read receipt. The draft autosaves through htmx as the patient types."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.messaging.models import Message, MessageDraft
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_therapist_writes_patient_reads_and_replies(page, phone_page, e2e_world):
    episode = e2e_world.patient.episodes.get()
    conversation = f"/episodes/{episode.pk}/messages/"

    cookie_sign_in(page, e2e_world.therapist.email, conversation)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Messages with")
    page.locator("#id_body").fill("Welcome to the programme. **Start** with module one.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".conversation")).to_contain_text("Welcome to the programme.")
    expect(page.locator(".receipt").last).to_contain_text("Not read by the patient yet")

    patient = phone_page
    cookie_sign_in(patient, "patient@alpha.test", "/")
    expect(patient.get_by_role("main")).to_contain_text("You have one unread message")
    patient.goto("/me/messages/")
    expect(patient.locator(".conversation strong", has_text="Start")).to_be_visible()
    patient.locator("#id_body").press_sequentially("Thank you, I will start tonight.")
    expect(patient.locator("#draft-status")).to_contain_text("Draft saved", timeout=8000)
    assert MessageDraft.objects.get(author__email="patient@alpha.test").body.startswith("Thank")
    send = patient.get_by_role("button", name="Send")
    send.dblclick()  # a double click sends once
    expect(patient.locator(".conversation")).to_contain_text("I will start tonight")
    assert Message.objects.filter(episode=episode, from_patient=True).count() == 1

    page.reload()
    expect(page.locator(".conversation")).to_contain_text("I will start tonight")
    expect(page.locator(".receipt").first).to_contain_text("Read by the patient")
