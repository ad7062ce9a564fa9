"""On a 320 px phone, the demo patient registers two diary entries from the home page
during the week; unsent text kept in the browser is cleared at sign-out and when someone
else signs in; the therapist then sees both entries on the plan page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tessera.treatment.models import DiaryEntry
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

KEPT = (
    "() => Object.keys(localStorage).filter(k => k.startsWith('tessera-') && k !== 'tessera-owner')"
)


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide at 320px"


def _register(page, activity: str, mood: str) -> None:
    panel = page.locator("section.homework-panel")
    panel.get_by_role("link", name="Register: Activity diary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity diary")
    _no_sideways_scroll(page)
    page.get_by_label("What I did").fill(activity)
    page.get_by_label("Mood (0–10)").fill(mood)
    page.get_by_role("button", name="Register entry").click()


def test_two_diary_entries_from_the_home_page_on_a_phone(phone_page, demo):
    page = phone_page
    cookie_sign_in(page, "patient@demo.tessera.test", "/")
    panel = page.locator("section.homework-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text("This week's homework")
    expect(panel).to_contain_text("0 entries this week")
    _no_sideways_scroll(page)

    _register(page, "Walked to the bakery", "6")
    expect(page.get_by_role("status").first).to_contain_text("Registered")
    expect(page.locator("section.homework-panel")).to_contain_text("1 entry this week")

    # A mistake is caught beside the field, and nothing typed is lost.
    page.locator("section.homework-panel").get_by_role(
        "link", name="Register: Activity diary"
    ).click()
    # The day is asked once, above the fields; the diary's own "when" asks only a time.
    form = page.locator("form[data-diary]")
    expect(form.get_by_label("For which day")).to_be_visible()
    expect(form.locator("input[type=date], input[type=datetime-local]")).to_have_count(0)
    page.get_by_label("What I did").fill("Called my sister")
    page.get_by_label("Mood (0–10)").fill("14")
    page.get_by_role("button", name="Register entry").click()
    expect(page.locator("#diary-0-mood-error")).to_contain_text("from 0 to 10")
    expect(page.get_by_label("What I did")).to_have_value("Called my sister")
    page.get_by_label("Mood (0–10)").fill("7")
    page.get_by_role("button", name="Register entry").click()
    expect(page.locator("section.homework-panel")).to_contain_text("2 entries this week")
    assert DiaryEntry.objects.filter(entry__episode__patient=demo).count() == 2

    # Text typed but not registered is kept in this browser ...
    page.locator("section.homework-panel").get_by_role(
        "link", name="Register: Activity diary"
    ).click()
    page.get_by_label("What I did").fill("Not sent yet")
    assert page.evaluate(KEPT)
    page.reload()  # e.g. the page was closed while offline: the text comes back
    expect(page.get_by_label("What I did")).to_have_value("Not sent yet")
    expect(page.locator("[data-diary-status]")).to_contain_text("We restored")
    # ... "Sign out" asks first (issue 14), and it is cleared when the patient signs out.
    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("dialog", name="Your text is not saved yet")
    expect(warning).to_be_visible()
    warning.get_by_role("button", name="Sign out and discard it").click()
    page.wait_for_load_state()
    assert page.evaluate(KEPT) == []

    # Someone else's kept text (left by another account on this browser) is cleared
    # when the therapist signs in.
    page.evaluate(
        "() => { localStorage.setItem('tessera-owner', 'someone-else');"
        " localStorage.setItem('tessera-worksheet:/me/modules/1/steps/2/', '{}'); }"
    )
    cookie_sign_in(page, "therapist@demo.tessera.test")
    assert page.evaluate(KEPT) == []

    page.goto(f"/patients/{demo.pk}/plan/")
    diary = page.locator("section.diary-entry")
    expect(diary).to_have_count(2)
    expect(diary.first).to_contain_text("Called my sister")
    expect(diary.nth(1)).to_contain_text("Walked to the bakery")
