"""The whole way in: a person refers themself to the self-referral clinic "riverside", is
matched to a programme, triaged (an assessment booked), assessed and accepted by staff,
and then sees their treatment start and opens their modules."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic, ClinicRole
from tessera.core.roles import Role
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application
from tessera.notifications.models import Notification
from tests.conftest import PASSWORD, make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in, sign_in, staff_sign_in
from tests.intake.matching_fixtures import DEPRESSION, publish_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def riverside(transactional_db):
    region = actions.do_create_region(name="Journey Region", country="SE")
    clinic = make_clinic(region, "riverside", referral_model=Clinic.Referral.SELF)
    apply_actions.do_publish_consent_text(
        clinic, language="en", text="We keep your answers to decide about your care."
    )
    staff = {}
    for kind, role, first in [
        ("intake", Role.INTAKE_COORDINATOR, "Ivar"),
        ("assessor", Role.ASSESSOR, "Asta"),
        ("therapist", Role.THERAPIST, "Tove"),
        ("author", Role.CONTENT_AUTHOR, "Alma"),
    ]:
        user = make_user(f"{kind}@riverside.test", second_factor=True, first_name=first)
        actions.do_grant_role(user, clinic, role)
        staff[kind] = user
    ClinicRole.objects.filter(user=staff["therapist"]).update(max_caseload=30)
    programme = publish_programme(
        region,
        staff["author"],
        "depression",
        area="depression",
        eligibility=DEPRESSION,
        title="Depression",
    )
    staff["version"] = programme.versions.get()
    return clinic, staff


def _answer(page, count: int, choice: int) -> None:
    for n in range(1, count + 1):
        page.get_by_role("group", name=re.compile(rf"^{n}\.")).get_by_role("radio").nth(
            choice
        ).check()


def test_self_referral_to_treatment_start(page, riverside):
    clinic, staff = riverside
    email = "sam.self@apply.test"
    # the applicant: sign-up, consent, details, screening without a risk answer
    page.goto("/c/riverside/")
    page.get_by_role("link", name="Apply yourself").click()
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
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Self")
    page.get_by_label("Date of birth").fill("1988-03-04")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    _answer(page, 9, 1)  # "several days" throughout, then item 9 back to "not at all"
    page.get_by_role("group", name=re.compile(r"^9\.")).get_by_role("radio").nth(0).check()
    page.get_by_role("button", name="Send these answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GAD-7")
    _answer(page, 7, 1)
    page.get_by_role("button", name="Send these answers").click()
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#phase")).to_have_text("Received")
    application = Application.objects.get(applicant__email=email)
    assert not application.urgent
    page.get_by_role("button", name="Sign out").click()

    # the coordinator: the queue shows the programme suggestion; book the assessment
    staff_sign_in(page, staff["intake"])
    page.goto("/intake/")
    row = page.get_by_role("table").get_by_role("row").nth(1)
    expect(row).to_contain_text("Sam Self")
    expect(row.locator(".suggestion")).to_have_text("Depression")
    row.get_by_role("link", name="Sam Self").click()
    expect(page.locator("#matching")).to_contain_text("Depression")
    page.get_by_text("Book an assessment").click()
    page.locator("#id_book-mode").select_option("phone")
    page.locator("#id_book-starts_at").fill("2031-01-02T10:00")
    page.locator("#id_book-assessor").select_option(str(staff["assessor"].pk))
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("The assessment is booked.")
    # hand-over: the applicant and the assessor are each told once (issue 20, item 5)
    assert _told(email, "assessment_booked") == 1
    assert _told(staff["assessor"].email, "assessment_to_do") == 1
    page.get_by_role("button", name="Sign out").click()

    # the assessor: notes, diagnosis, risk, accept to the programme with the therapist
    staff_sign_in(page, staff["assessor"])
    page.goto(f"/intake/applications/{application.pk}/")
    page.get_by_label("Assessment notes").fill("Moderate low mood for six months.")
    page.get_by_label("F32.1 Depressive episode, moderate").check()
    page.get_by_role("radio", name="Low", exact=True).check()
    page.get_by_role("radio", name="Accept and start treatment now").check()
    page.get_by_label("Programme (when accepting)").select_option(str(staff["version"].pk))
    page.get_by_label("Care model (when accepting)").select_option("guided")
    expect(page.locator("#id_assess-therapist")).to_have_value(str(staff["therapist"].pk))
    page.get_by_role("button", name="Save the assessment and decision").click()
    expect(page.get_by_role("main")).to_contain_text("The assessment and decision are saved.")
    expect(page.get_by_role("main")).to_contain_text("Accepted")
    # hand-over: the applicant hears the decision, the therapist of a new patient, once
    assert _told(email, "application_decided") == 1
    assert _told(staff["therapist"].email, "new_patient") == 1
    page.get_by_role("button", name="Sign out").click()

    # the applicant sees the start and opens their modules
    sign_in(page, email, PASSWORD)
    page.goto(f"/apply/{application.pk}/status/")
    expect(page.locator("#phase")).to_have_text("Treatment started")
    page.get_by_role("link", name="Go to my modules").click()
    expect(page).to_have_url(re.compile(r"/me/modules/$"))
    expect(page.get_by_role("main")).to_contain_text("Welcome")
    # and finds what they were told in their own notification history, one row each
    page.goto("/me/notifications/history/")
    expect(page.locator('tr[data-kind="assessment_booked"]')).to_have_count(1)
    expect(page.locator('tr[data-kind="application_decided"]')).to_have_count(1)


def _told(email: str, kind: str) -> int:
    """Notifications of a kind for a person, on one channel (e-mail): exactly once."""
    return Notification.objects.filter(recipient__email=email, kind=kind, channel="email").count()


def test_acceptance_is_refused_without_consent(page, riverside):
    """Issue 20, item 4: an assessor who tries to accept an application whose person has
    not consented is told why, and nothing starts (no episode, no letter)."""
    from tessera.letters.models import Letter
    from tests.intake.intake_helpers import make_application

    clinic, staff = riverside
    application = make_application(clinic, "una@apply.test", first="Una")
    Application.objects.filter(pk=application.pk).update(consent_accepted_at=None)
    cookie_sign_in(page, staff["assessor"], f"/intake/applications/{application.pk}/")
    expect(page.locator("#no-consent")).to_contain_text("cannot be accepted")
    page.get_by_label("Assessment notes").fill("Moderate low mood.")
    page.get_by_label("F32.1 Depressive episode, moderate").check()
    page.get_by_role("radio", name="Low", exact=True).check()
    page.get_by_role("radio", name="Accept and start treatment now").check()
    page.get_by_label("Programme (when accepting)").select_option(str(staff["version"].pk))
    page.get_by_label("Care model (when accepting)").select_option("guided")
    page.get_by_role("button", name="Save the assessment and decision").click()
    expect(page.get_by_role("main")).to_contain_text("has not given consent yet")
    application.refresh_from_db()
    assert application.status == "submitted" and application.episode_id is None
    assert not Letter.objects.filter(application=application, kind__in=["accepted", "started"])
