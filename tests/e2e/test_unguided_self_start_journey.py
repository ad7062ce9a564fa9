"""Unguided courses that start at once (issue 14), on the demo's self-help service, which
starts them after a clean screening: a person refers themself on a phone, answers the
screening with no risk answer and scores in range, and their course starts with module 1
open; another person's risk answer starts nothing and waits, urgent, in the queue."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tessera.intake.models import Application, Status
from tests.conftest import PASSWORD
from tests.e2e.conftest import cookie_sign_in, sign_in, staff_sign_in

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, seeded_demo):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE_390)
    yield context.new_page()
    context.close()


def _answer(page, count: int, choices: dict[int, int], default: int = 0) -> None:
    for n in range(1, count + 1):
        group = page.get_by_role("group", name=re.compile(rf"^{n}\."))
        group.get_by_role("radio").nth(choices.get(n, default)).check()
    page.get_by_role("button", name="Send these answers").click()


def _apply(page, email: str, *, phq: dict[int, int]) -> None:
    page.goto("/c/highland/")
    page.get_by_role("link", name="Apply yourself").first.click()
    page.get_by_role("link", name="Start my application").click()
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    sign_in(page, email, PASSWORD)
    page.get_by_label("I have read the text above and agree to it").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Iona")
    page.get_by_label("Last name").fill("Reid")
    page.get_by_label("Date of birth").fill("1991-03-04")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    _answer(page, 9, phq)
    expect(page.get_by_role("heading", level=1)).to_contain_text("GAD-7")
    _answer(page, 7, {}, default=2)  # 14: moderate
    expect(page.get_by_role("heading", level=1)).to_contain_text("AUDIT")
    _answer(page, 10, {})  # 0: zone I
    page.get_by_role("button", name="Send my application").click()


# PHQ-9 14 (moderate, within the depression course's 5-23) with no risk answer.
PHQ_CLEAN = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 0, 9: 0}


def test_a_clean_screening_starts_the_course_at_once(phone):
    page = phone
    _apply(page, "iona@apply.test", phq=PHQ_CLEAN)
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "Your self-help course has started"
    )
    page.get_by_role("link", name=re.compile("Continue your module")).first.click()
    expect(page).to_have_url(re.compile(r"/me/modules/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    application = Application.objects.get(applicant__email="iona@apply.test")
    assert application.status == Status.ACCEPTED and application.assessed_at is None
    assert application.episode.care_model == "unguided"
    assert application.episode.therapist_id is None
    # nothing on the page promises a therapist
    page.goto("/")
    expect(page.get_by_role("main")).to_contain_text("Week 1")
    expect(page.get_by_role("main")).not_to_contain_text("your therapist")


def test_a_risk_answer_starts_nothing_and_waits_in_the_queue(phone):
    page = phone
    _apply(page, "rowan@apply.test", phq={**PHQ_CLEAN, 9: 1})
    expect(page.locator("#phase")).to_have_text("Received")
    application = Application.objects.get(applicant__email="rowan@apply.test")
    assert application.status == Status.SUBMITTED and application.urgent
    assert application.episode_id is None
    page.get_by_role("button", name="Sign out").click()

    staff_sign_in(
        page, "highland.oncall@demo.tessera.test", DEMO_TOTP_SECRET, password=DEMO_PASSWORD
    )
    page.goto("/intake/")
    row = page.get_by_role("row").filter(has_text="Iona Reid")
    expect(row).to_contain_text("Urgent")


def test_the_self_help_service_never_promises_a_therapist(phone):
    """Item 8: the public page and the course of the demo's unguided clinic (its
    insomnia course is written for both care models) say nothing of a therapist."""
    page = phone
    page.goto("/c/highland/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("No therapist follows your work")
    expect(main).not_to_contain_text("a therapist follows your work")
    cookie_sign_in(page, "patient8@demo.tessera.test")
    page.get_by_role("link", name="Menu").or_(page.get_by_text("Menu", exact=True)).first.click()
    page.get_by_role("link", name="My modules").first.click()
    page.get_by_role("link", name="How sleep works").click()
    for _part in range(3):
        expect(main).not_to_contain_text("therapist")
        page.get_by_role("link", name="Next part").click()
    # the worksheet: its text, its button and what it says once done
    expect(main).to_contain_text("This helps you see where you start from.")
    expect(main).not_to_contain_text("therapist")
    expect(main.get_by_role("button", name="Mark as finished")).to_be_visible()
    expect(main.get_by_role("button", name="Send to my therapist")).to_have_count(0)
