"""A therapist opens the inbox, finds a sent worksheet at the top of the replies, and
opens the patient's overview from it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tessera.treatment.actions import plans as plan_actions
from tests.e2e.conftest import cookie_sign_in
from tests.inbox.inbox_world import manual_programme, message, worksheet

pytestmark = pytest.mark.e2e


@pytest.fixture
def inbox_world(e2e_world):
    episode = e2e_world.patient.episodes.get()
    programme = manual_programme(e2e_world.clinic.region)
    plan_actions.do_seed_plan(episode, programme, acting_user=e2e_world.therapist)
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        answer = worksheet(episode, acting_user=e2e_world.patient.user)
    message(episode, at=timezone.now() - dt.timedelta(hours=2))  # newer: comes second
    return e2e_world, episode, answer


def test_a_therapist_goes_from_the_inbox_to_the_patients_overview(page, inbox_world):
    world, episode, answer = inbox_world
    cookie_sign_in(page, world.therapist.email)
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    page.get_by_role("link", name=re.compile(r"^Waiting for a reply \(2\)")).click()

    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first).to_contain_text("Sent a worksheet for feedback: Try it (Getting started)")
    expect(first).to_contain_text(re.compile(r"due in|overdue by"))
    expect(first.get_by_role("link", name="Give feedback")).to_have_attribute(
        "href", f"/episodes/{episode.pk}/messages/?answer={answer.pk}"
    )

    first.get_by_role("link", name="Pia Larsson", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pia Larsson")
    worksheets = page.get_by_role("region", name="Worksheets sent")
    expect(worksheets).to_contain_text("I went for a walk")
    expect(worksheets).to_contain_text("No feedback yet.")
