"""Issue 20, the clinic team's day without gaps, in a real browser:

- an urgent applicant's risk answer reaches the on-call person (an e-mail that says
  nothing clinical, whose link opens the application, with the phone number the
  applicant gave when sending);
- the unguided clinic's overdue patient appears in its manager's team inbox;
- an intake coordinator finds no "Decline" before an assessment;
- an English draft for a Swedish-preferring patient is checked in English.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic, Patient
from tessera.core.roles import Role
from tests.conftest import TOTP_SECRET, make_clinic, make_user
from tests.e2e.conftest import current_totp_code, sign_in
from tests.inbox.inbox_world import full_patient, manual_programme
from tests.intake.intake_helpers import PHQ_NO_RISK, PHQ_RISK, consent_for, make_application

pytestmark = pytest.mark.e2e


def _staff_sign_in(page, user) -> None:
    sign_in(page, user.email)
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def riverside(transactional_db):
    region = actions.do_create_region(name="Team Region", country="SE")
    clinic = make_clinic(region, "riverside", referral_model=Clinic.Referral.SELF)
    consent_for(clinic)
    staff = {}
    for kind, role, on_call in [
        ("intake", Role.INTAKE_COORDINATOR, False),
        ("on_call", Role.THERAPIST, True),
    ]:
        user = make_user(f"{kind}@riverside.test", second_factor=True, first_name=kind.title())
        actions.do_grant_role(user, clinic, role, on_call=on_call)
        staff[kind] = user
    return clinic, staff


def test_an_urgent_applicants_risk_answer_reaches_the_on_call_person(page, riverside):
    clinic, staff = riverside
    application = make_application(clinic, "alma@apply.test", phq=PHQ_RISK, submit=False)
    mail.outbox.clear()
    # the applicant sends it, giving a phone number when asked
    sign_in(page, "alma@apply.test")
    page.goto(f"/apply/{application.pk}/send/")
    page.get_by_label("Mobile phone").fill("+46 70 111 22 33")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#phase")).to_have_text("Received")
    page.get_by_role("button", name="Sign out").click()

    # the on-call therapist's e-mail: nothing clinical, a link to the application
    told = [m for m in mail.outbox if m.to == [staff["on_call"].email]]
    assert len(told) == 1
    assert "Ada" not in told[0].body and "PHQ" not in told[0].body
    link = re.search(r"https?://\S+(/intake/applications/\d+/)", told[0].body).group(1)
    _staff_sign_in(page, staff["on_call"])
    page.goto(link)
    expect(page.get_by_role("alert").first).to_contain_text("Urgent")
    expect(page.get_by_role("main")).to_contain_text("+46 70 111 22 33")
    expect(page.get_by_role("button", name="Decline")).to_have_count(0)


def test_a_coordinator_finds_no_decline_before_an_assessment(page, riverside):
    clinic, staff = riverside
    application = make_application(clinic, "bo@apply.test", phq=PHQ_NO_RISK)
    _staff_sign_in(page, staff["intake"])
    page.goto(f"/intake/applications/{application.pk}/")
    expect(page.locator("#decline-needs-clinician")).to_be_visible()
    expect(page.locator("summary", has_text="Refer elsewhere")).to_be_visible()
    expect(page.locator("summary", has_text=re.compile(r"^Decline$"))).to_have_count(0)


def test_the_unguided_clinics_overdue_patient_is_in_its_team_inbox(page, transactional_db):
    region = actions.do_create_region(name="Unguided Region", country="SE")
    clinic = make_clinic(region, "selfhelp", offers_unguided=True)
    manager = make_user("manager@selfhelp.test", second_factor=True, first_name="Maj")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    programme = manual_programme(region, key="selfhelp")
    start = timezone.now() - dt.timedelta(days=30)
    patient, episode, _answer = full_patient(
        None, manager, programme, 3, start=start, clinic=clinic
    )
    episode.therapist = None
    episode.care_model = "unguided"
    episode.save(update_fields=["therapist", "care_model"])
    _staff_sign_in(page, manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("main")).not_to_contain_text("Nothing is waiting")
    overdue = page.locator('table.inbox tbody tr[data-kind="overdue"]').first
    expect(overdue).to_contain_text(str(patient))
    expect(overdue.locator('td[data-column="therapist"]')).to_contain_text("No therapist")


def test_an_english_draft_for_a_swedish_preferring_patient_is_checked_in_english(page, e2e_world):
    Patient.objects.filter(pk=e2e_world.patient.pk).update(preferred_language="sv")
    episode = e2e_world.patient.episodes.get()
    _staff_sign_in(page, e2e_world.therapist)
    page.goto(f"/episodes/{episode.pk}/messages/")
    page.locator("#id_body").fill(
        "Thank you for the work you did this week. No rush, take as long as you need."
    )
    page.get_by_role("button", name="Check this draft").click()
    expect(page.locator("#checked-in")).to_have_attribute("data-language", "en")
    flexible = page.locator('[data-code="no_deadline_flexibility"]')
    expect(flexible).to_have_attribute("data-met", "no")
    expect(flexible).to_contain_text("take as long as you need")
