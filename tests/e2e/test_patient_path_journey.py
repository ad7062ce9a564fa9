"""The patient's whole path, with no dead ends (issue 14), walked in a browser.

A risk answer saved for later shows the crisis contacts at once, for a patient in
treatment and for an applicant answering the screening."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic
from tessera.treatment import actions as treatment
from tessera.treatment.models import MeasureRule, ResponseDraft
from tests.conftest import make_clinic
from tests.e2e.conftest import sign_in
from tests.intake.intake_helpers import make_application

CRISIS = "If you are thinking about harming yourself"


def _crisis(page):
    return page.get_by_role("alert").filter(has_text=CRISIS)


@pytest.fixture
def due_phq9(e2e_world):
    MeasureRule.objects.create(clinic=e2e_world.clinic, instrument="PHQ-9", time_point="pre")
    episode = e2e_world.patient.episodes.get()
    treatment.do_start_treatment(episode, acting_user=e2e_world.therapist)
    return e2e_world


def test_a_patients_risk_answer_saved_for_later_shows_the_crisis_contacts(page, due_phq9):
    sign_in(page, "patient@alpha.test")
    page.goto("/me/questionnaires/")
    page.get_by_role("link", name=re.compile("PHQ-9")).first.click()
    expect(_crisis(page)).to_have_count(0)
    page.get_by_role("group", name=re.compile(r"^1\.")).get_by_label("Several days").check()
    # the answer to item 9 is saved as it is given, and the crisis box appears at once
    page.get_by_role("group", name=re.compile(r"^9\.")).get_by_label("Nearly every day").check()
    expect(_crisis(page)).to_be_visible()
    expect(_crisis(page)).to_contain_text("112")
    # changing the answer takes the box away again
    page.get_by_role("group", name=re.compile(r"^9\.")).get_by_label("Not at all").check()
    expect(_crisis(page)).to_have_count(0)
    item9 = page.get_by_role("group", name=re.compile(r"^9\."))
    item9.get_by_label("More than half the days").check()
    expect(_crisis(page)).to_be_visible()
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    expect(_crisis(page)).to_be_visible()
    expect(_crisis(page).get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    assert ResponseDraft.objects.get().answers == {"1": 1, "9": 2}


@pytest.fixture
def applicant(transactional_db):
    region = actions.do_create_region(name="Journey Region", country="SE")
    clinic = make_clinic(region, "riverside", referral_model=Clinic.Referral.SELF)
    return make_application(clinic, "ada@apply.test", phq=None, gad=None, submit=False)


def test_an_applicants_risk_answer_saved_for_later_shows_the_crisis_contacts(page, applicant):
    sign_in(page, "ada@apply.test")
    page.goto(f"/apply/{applicant.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    page.get_by_role("group", name=re.compile(r"^9\.")).get_by_label("Several days").check()
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    expect(_crisis(page)).to_be_visible()
    expect(_crisis(page)).to_contain_text("112")
    page.get_by_role("link", name="Answer the remaining questionnaires").click()
    expect(_crisis(page)).to_be_visible()
    expect(
        page.get_by_role("group", name=re.compile(r"^9\.")).get_by_label("Several days")
    ).to_be_checked()
