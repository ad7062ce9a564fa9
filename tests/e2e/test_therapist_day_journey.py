"""The therapist's work end to end (issue "done when"): from the inbox, answer a sent
worksheet with a template, read the feedback check's remarks, consult a colleague who
comments, and send; the patient reads the reply, and the e-mail says nothing clinical."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.feedback import actions as feedback
from tessera.messaging.models import Message, MessageDraft
from tessera.treatment.actions import plans as plan_actions
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts, wait_until
from tests.inbox.inbox_world import manual_programme, worksheet

pytestmark = pytest.mark.e2e

TEMPLATE = (
    "Hi {name},\n\nThank you for your work on {module}. You wrote: “{quote}”\n\n"
    "No rush with the next part, do it whenever you have time."
)


@pytest.fixture
def day(e2e_world):
    episode = e2e_world.patient.episodes.get()
    plan_actions.do_seed_plan(
        episode, manual_programme(e2e_world.clinic.region), acting_user=e2e_world.therapist
    )
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        answer = worksheet(episode, acting_user=e2e_world.patient.user)
    feedback.do_create_template(
        acting_user=e2e_world.therapist, title="Worksheet thanks", language="en", body=TEMPLATE
    )
    colleague = make_user(
        "colleague@alpha.test", second_factor=True, first_name="Kim", last_name="Kollega"
    )
    actions.do_grant_role(colleague, e2e_world.clinic, Role.THERAPIST)
    return e2e_world, episode, answer, colleague


def test_a_therapist_answers_a_worksheet_with_help_from_a_colleague(page, phone_page, day):
    world, episode, answer, colleague = day

    # The inbox leads to the conversation, with the patient's answer quoted.
    cookie_sign_in(page, world.therapist.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Give feedback").first.click()
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/messages/\?answer={answer.pk}"))
    wait_for_scripts(page)  # the compose tools are htmx's

    # A template fills the draft; the check points out the deadline-flexibility phrasing.
    page.get_by_label("Start from a template").select_option(label="Worksheet thanks (English)")
    page.get_by_role("button", name="Insert template").click()
    body = page.locator("#id_body")
    expect(body).to_have_value(re.compile(r"^Hi Pia,"))
    page.get_by_role("button", name="Check this draft").click()
    flexibility = page.locator('[data-code="no_deadline_flexibility"]')
    expect(flexibility).to_have_attribute("data-met", "no")
    body.fill(
        body.input_value().replace(
            "No rush with the next part, do it whenever you have time.",
            "This week, try to plan one small activity each day, and write how it went.",
        )
    )
    page.get_by_role("button", name="Check this draft").click()
    expect(page.locator('[data-code="no_deadline_flexibility"]')).to_have_attribute(
        "data-met", "yes"
    )
    # The edited draft reaches the server (3 s after the last key). The status line says
    # "Draft saved" already when the template's text was saved before the edit (on a
    # busy machine the checks take that long), so wait for this text on the server.
    wait_until(
        lambda: MessageDraft.objects.filter(
            episode=episode, author=world.therapist, body__contains="one small activity"
        ).exists()
    )

    # Ask a colleague before sending.
    page.goto(f"/patients/{world.patient.pk}/")
    page.get_by_role("link", name="Ask a colleague").first.click()
    page.get_by_label("Who do you want to ask?").select_option(label="Kim Kollega")
    page.get_by_label("Your question").fill("Is the plan for this week too much?")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("status")).to_contain_text("Your question was sent.")

    # The colleague comments (in their own browser).
    cookie_sign_in(phone_page, colleague.email, "/consultations/")
    phone_page.get_by_role("table").get_by_role("link").first.click()
    phone_page.get_by_label("Your comment").fill("One activity a day is fine; keep it small.")
    phone_page.get_by_role("button", name="Add comment").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Your comment was added.")
    phone_page.get_by_role("button", name="Sign out").click()

    # The therapist reads the comment, goes back to the kept draft, and sends.
    page.goto("/consultations/mine/")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_text("One activity a day is fine; keep it small.")).to_be_visible()
    mail.outbox.clear()
    page.goto(f"/episodes/{episode.pk}/messages/?answer={answer.pk}")
    expect(page.locator("#id_body")).to_have_value(re.compile("one small activity each day"))
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".conversation")).to_contain_text("one small activity each day")
    sent = Message.objects.get(episode=episode, from_patient=False)
    answer.refresh_from_db()
    assert answer.feedback_at is not None and sent.quoted_answer_id == answer.pk

    # The patient is told by e-mail, with nothing clinical in it, and reads the reply.
    to_patient = [m for m in mail.outbox if m.to == [world.patient.email]]
    assert len(to_patient) == 1
    text = to_patient[0].subject + to_patient[0].body
    for clinical in ("Pia", "Larsson", "activity", "walk", world.clinic.name):
        assert clinical not in text
    cookie_sign_in(phone_page, world.patient.email, "/me/messages/")
    expect(phone_page.locator(".conversation")).to_contain_text("one small activity each day")
