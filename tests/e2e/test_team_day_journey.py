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
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in
from tests.inbox.inbox_world import full_patient, manual_programme
from tests.intake.intake_helpers import PHQ_NO_RISK, PHQ_RISK, consent_for, make_application

pytestmark = pytest.mark.e2e


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
    cookie_sign_in(page, "alma@apply.test", f"/apply/{application.pk}/send/")
    page.get_by_label("Mobile phone").fill("+46 70 111 22 33")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#phase")).to_have_text("Received")
    page.get_by_role("button", name="Sign out").click()

    # the on-call therapist's e-mail: nothing clinical, a link to the application
    told = [m for m in mail.outbox if m.to == [staff["on_call"].email]]
    assert len(told) == 1
    assert "Ada" not in told[0].body and "PHQ" not in told[0].body
    link = re.search(r"https?://\S+(/intake/applications/\d+/)", told[0].body).group(1)
    cookie_sign_in(page, staff["on_call"], link)
    expect(page.get_by_role("alert").first).to_contain_text("Urgent")
    expect(page.get_by_role("main")).to_contain_text("+46 70 111 22 33")
    expect(page.get_by_role("button", name="Decline")).to_have_count(0)


def test_a_coordinator_finds_no_decline_before_an_assessment(page, riverside):
    clinic, staff = riverside
    application = make_application(clinic, "bo@apply.test", phq=PHQ_NO_RISK)
    cookie_sign_in(page, staff["intake"], f"/intake/applications/{application.pk}/")
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
    cookie_sign_in(page, manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("main")).not_to_contain_text("Nothing is waiting")
    overdue = page.locator('table.inbox tbody tr[data-kind="overdue"]').first
    expect(overdue).to_contain_text(str(patient))
    expect(overdue.locator('td[data-column="therapist"]')).to_contain_text("No therapist")


def test_an_english_draft_for_a_swedish_preferring_patient_is_checked_in_english(page, e2e_world):
    Patient.objects.filter(pk=e2e_world.patient.pk).update(preferred_language="sv")
    episode = e2e_world.patient.episodes.get()
    cookie_sign_in(page, e2e_world.therapist, f"/episodes/{episode.pk}/messages/")
    page.locator("#id_body").fill(
        "Thank you for the work you did this week. No rush, take as long as you need."
    )
    page.get_by_role("button", name="Check this draft").click()
    expect(page.locator("#checked-in")).to_have_attribute("data-language", "en")
    flexible = page.locator('[data-code="no_deadline_flexibility"]')
    expect(flexible).to_have_attribute("data-met", "no")
    expect(flexible).to_contain_text("take as long as you need")


def _due(episode, instrument: str, due_at):
    from tessera.treatment.models import DueMeasure

    return DueMeasure.objects.create(
        episode=episode,
        instrument=instrument,
        time_point="weekly",
        sequence=900 + len(instrument),
        opens_at=due_at - dt.timedelta(days=2),
        due_at=due_at,
        expires_at=due_at + dt.timedelta(days=7),
    )


def test_a_manager_saves_unchanged_settings_and_sees_the_weeks_dates(page, e2e_world):
    """Issue 20, items 7 and 8: the clinic's settings saved without a change keep Swedish
    first (the language its letters are written in); the team workload names the week's
    first day ("Week starting ." before)."""
    clinic = e2e_world.clinic
    assert clinic.languages == ["sv", "en"]
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    cookie_sign_in(page, manager, f"/clinics/{clinic.slug}/edit/")
    page.get_by_role("main").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.goto(f"/clinics/{clinic.slug}/")
    expect(page.get_by_role("main")).to_contain_text("Swedish, English")
    assert Clinic.objects.get(pk=clinic.pk).languages == ["sv", "en"]

    page.goto(f"/workload/clinics/{clinic.slug}/")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Week starting \d"))
    expect(page.get_by_role("main")).not_to_contain_text("Week starting .")


def test_in_the_therapists_inbox_todays_questionnaire_is_not_overdue(page, e2e_world):
    """Issue 20, item 9: a questionnaire due today (midnight in the clinic's time zone) is
    not overdue in the inbox; yesterday's is, on one row for the patient."""
    import zoneinfo

    episode = e2e_world.patient.episodes.get()
    tz = zoneinfo.ZoneInfo(e2e_world.clinic.time_zone)
    today = timezone.now().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    _due(episode, "PHQ-9", today)
    _due(episode, "GAD-7", today - dt.timedelta(days=1))
    cookie_sign_in(page, e2e_world.therapist)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    overdue = page.locator('table.inbox tbody tr[data-kind="overdue"]')
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("GAD-7")
    expect(overdue).not_to_contain_text("PHQ-9")
    page.goto("/")
    expect(page.locator("#overdue-heading")).to_be_visible()
    overdue_home = page.locator("section", has=page.locator("#overdue-heading"))
    expect(overdue_home).to_contain_text("GAD-7")
    expect(overdue_home).not_to_contain_text("PHQ-9")
