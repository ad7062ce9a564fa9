"""The demo patient fills in the PHQ-9 and GAD-7 due today, sees them in the progress
graph, and their therapist sees the new scores on the patient's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tests.e2e.conftest import cookie_sign_in


@pytest.fixture
def demo(seeded_demo):
    pass


def _answer_all(page, choice: str, count: int) -> None:
    for n in range(1, count + 1):
        page.get_by_role("group", name=re.compile(rf"^{n}\.")).get_by_label(choice).check()


def _fill(page, code: str, choice: str, items: int) -> None:
    page.get_by_role("link", name=re.compile(re.escape(f"({code})"))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    _answer_all(page, choice, items)
    page.get_by_role("button", name="Review my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your answers have been sent"
    )
    page.get_by_role("link", name="Home", exact=True).click()


def test_a_patient_fills_in_due_questionnaires_and_the_therapist_sees_them(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test")
    expect(page.get_by_role("link", name=re.compile(r"\(PHQ-9\)"))).to_be_visible()

    # A first try without one answer is explained beside the question, nothing lost.
    page.get_by_role("link", name=re.compile(r"\(PHQ-9\)")).click()
    _answer_all(page, "Several days", 8)
    page.get_by_role("button", name="Review my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("One question needs an answer")
    expect(page.locator("#item9-error")).to_contain_text("Please answer this question.")
    expect(
        page.get_by_role("group", name=re.compile(r"^3\.")).get_by_label("Several days")
    ).to_be_checked()
    page.get_by_role("link", name="Home", exact=True).click()

    _fill(page, "PHQ-9", "Not at all", 9)
    _fill(page, "GAD-7", "Several days", 7)
    expect(page.get_by_role("link", name=re.compile(r"\(PHQ-9\)"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"\(GAD-7\)"))).to_have_count(0)

    page.get_by_role("link", name="My progress").click()
    phq = page.get_by_role("region", name="PHQ-9")
    expect(phq.locator("svg[role=img]")).to_be_visible()
    # The table beside the chart has the history (15 before treatment) and today's 0,
    # the latest first (decision 0147): today's row leads, its score cell exactly.
    expect(phq.get_by_role("row")).to_have_count(6)  # header, today, four earlier
    expect(phq.get_by_role("row").nth(1).get_by_role("cell").nth(1)).to_have_text("0")
    gad = page.get_by_role("region", name="GAD-7")
    expect(gad.get_by_role("row").nth(1).get_by_role("cell").nth(1)).to_have_text("7")

    page.get_by_role("button", name="Sign out").click()
    cookie_sign_in(page, "therapist@demo.tessera.test")
    patient = Patient.objects.get(user__email="patient@demo.tessera.test")
    page.get_by_role("link", name=str(patient)).first.click()
    page.get_by_role("link", name="Scores and questionnaires").click()
    table = page.get_by_role("table").filter(has_text="Risk answer")
    expect(table.get_by_role("row").nth(1)).to_contain_text("GAD-7")
    expect(table.get_by_role("row").nth(2)).to_contain_text("PHQ-9")
