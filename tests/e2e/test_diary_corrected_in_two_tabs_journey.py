"""The demo patient opens today's diary entry for correction in two tabs. The first tab's
correction is saved; the second tab's save replaced it without a word. Now it saves
nothing, says so (409, as the other refused saves of decisions 0149 and 0152) and keeps
what was typed; "Save the correction" again from there replaces the first knowingly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tessera.treatment.models import DiaryEntry
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

CORRECT = re.compile(r"^Correct this entry")


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def test_a_diary_entry_corrected_in_two_tabs_is_not_saved_over(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test", "/")
    page.locator("section.homework-panel").get_by_role(
        "link", name="Register: Activity diary"
    ).click()
    page.get_by_label("What I did").fill("Walked to the bakery")
    page.get_by_label("Mood (0–10)").fill("6")
    page.get_by_role("button", name="Register entry").click()
    expect(page.get_by_role("status").first).to_contain_text("Registered")
    page.locator("section.homework-panel").get_by_role(
        "link", name="Register: Activity diary"
    ).click()
    page.get_by_role("link", name=CORRECT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct an entry")

    other = page.context.new_page()  # a second tab of the same browser
    other.goto(page.url)
    other.get_by_label("What I did").fill("Walked to the bakery and back")
    other.get_by_role("button", name="Save the correction").click()
    expect(other.get_by_text("Your entry was corrected.")).to_be_visible()
    other.close()

    page.get_by_label("What I did").fill("Walked to the park")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="Save the correction").click()
    assert refused.value.status == 409
    expect(page.get_by_role("alert")).to_contain_text("corrected in another window")
    expect(page.get_by_label("What I did")).to_have_value("Walked to the park")
    entry = DiaryEntry.objects.filter(entry__episode__patient=demo).latest("created_at")
    assert entry.values["diary"][0]["activity"] == "Walked to the bakery and back"

    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Your entry was corrected.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.values["diary"][0]["activity"] == "Walked to the park"
