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
from tests.conftest import PASSWORD, begun_by, make_clinic
from tests.e2e.conftest import cookie_sign_in, sign_in
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
    cookie_sign_in(page, "patient@alpha.test", "/me/questionnaires/")
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
    cookie_sign_in(page, "ada@apply.test", f"/apply/{applicant.pk}/")
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


class _World:
    """What tests.plan_fixtures.build_plan needs from a world, for the e2e people."""

    def __init__(self, w):
        self.region = w.clinic.region
        self.clinic = w.clinic
        self.episode = w.patient.episodes.get()
        self.users = {"therapist": w.therapist}

    def __getitem__(self, kind):
        return self.users[kind]


@pytest.fixture
def ended_course(e2e_world):
    import datetime as dt

    from tessera.portal.ending import do_end_episode
    from tessera.safety.actions.plans import do_save_safety_plan
    from tessera.treatment import plans
    from tests.plan_fixtures import build_plan

    world = _World(e2e_world)
    treatment.do_start_treatment(world.episode, acting_user=e2e_world.therapist)
    build_plan(world)
    do_save_safety_plan(
        world.episode,
        acting_user=e2e_world.therapist,
        parts={"warning_signs": "I stop answering the phone"},
        based_on=0,
    )
    e2e_world.clinic.contact_phone = "+46 8 555 010"
    e2e_world.clinic.save()
    ended_on = plans.clinic_today(e2e_world.clinic) - dt.timedelta(days=40)
    begun_by(world.episode, ended_on)
    do_end_episode(
        world.episode, acting_user=e2e_world.therapist, reason="completed", ended_on=ended_on
    )
    return e2e_world


def test_after_treatment_the_safety_plan_and_the_course_stay_readable(page, ended_course):
    cookie_sign_in(page, "patient@alpha.test")
    after = page.get_by_role("region", name="Your treatment has ended")
    expect(after).to_be_visible()
    expect(after).to_contain_text("+46 8 555 010")
    # the safety plan, one tap from the header, read-only with the numbers
    page.get_by_role("link", name="My safety plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My safety plan")
    expect(page.get_by_role("main")).to_contain_text("I stop answering the phone")
    expect(page.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    expect(page.get_by_role("link", name="Change the safety plan")).to_have_count(0)
    # the course: listed, and a module opens read-only
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My modules").click()
    expect(page.locator("#ended-notice")).to_contain_text("Your treatment ended on")
    expect(page.get_by_role("main")).not_to_contain_text("has not set up")
    page.get_by_role("link", name="Activity and mood").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity and mood")
    page.get_by_role("link", name="Next part").click()
    expect(page.get_by_label("What happened")).to_be_disabled()
    expect(page.get_by_role("button", name="Send to my therapist")).to_have_count(0)
    # messages: no form that pretends to send; whom to contact instead
    page.goto("/me/messages/")
    expect(page.get_by_role("main")).to_contain_text("new messages cannot be sent")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("link", name="+46 8 555 010")).to_be_visible()


@pytest.fixture
def unguided_alone(e2e_world):
    from tessera.core.models import Episode

    e2e_world.clinic.offers_guided = False
    e2e_world.clinic.offers_unguided = True
    e2e_world.clinic.save()
    Episode.objects.filter(patient=e2e_world.patient).update(care_model="unguided", therapist=None)
    return e2e_world


def test_in_an_unguided_course_a_message_reaches_a_person_or_is_not_offered(
    page, unguided_alone, browser, live_server
):
    from django.core import mail

    from tessera.core.roles import Role
    from tessera.safety.models import RiskAlert
    from tests.conftest import make_user

    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, unguided_alone.clinic, Role.CLINIC_MANAGER)
    mail.outbox.clear()

    page.goto(f"/c/{unguided_alone.clinic.slug}/")
    expect(page.get_by_role("main")).to_contain_text("No therapist follows your work")
    cookie_sign_in(page, "patient@alpha.test", "/me/messages/")
    expect(page.locator("#who-reads")).to_contain_text("Nobody reads messages")
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.get_by_role("main").get_by_role("link", name="I need help").click()
    page.get_by_role("textbox").fill("I cannot get started and feel low")
    send = page.get_by_role("button", name="Send to my clinic")
    send.dblclick()  # a double click raises one alert
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message has been sent")
    assert RiskAlert.objects.filter(source="help").count() == 1
    # a person hears of it at once (no therapist, nobody on call: the clinic's manager),
    # by an e-mail with nothing clinical in it, and reads it in another browser
    told = [m for m in mail.outbox if "maja@alpha.test" in m.to]
    assert len(told) == 1 and "cannot get started" not in told[0].body
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    try:
        cookie_sign_in(staff, "maja@alpha.test", "/alerts/")
        staff.get_by_role("link", name=re.compile("Pia")).first.click()
        expect(staff.get_by_role("main")).to_contain_text("I cannot get started and feel low")
    finally:
        staff_context.close()


@pytest.fixture
def gp_clinic(transactional_db):
    from tests.intake.intake_helpers import consent_for

    region = actions.do_create_region(name="Referral Region", country="SE")
    clinic = make_clinic(region, "northside", referral_model=Clinic.Referral.PROFESSIONAL)
    consent_for(clinic)
    return clinic


def _second_browser(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    return context


def _confirm_link(email: str) -> str:
    from django.core import mail

    body = next(m.body for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)
    return "/" + link.split("/", 3)[3]


def test_a_gp_invitation_confirmed_on_the_phone_ends_attached(
    page, gp_clinic, browser, live_server
):
    from django.core import mail

    from tessera.intake.models import Application
    from tests.intake.test_intake_referral_pages import _form

    # A member of the public learns how to get there
    page.goto("/c/northside/apply/")
    expect(page.locator("#referral-only")).to_contain_text("ask your GP")
    # the GP refers; the invitation goes out
    from django.test import Client

    Client().post("/c/northside/refer/", _form())
    application = Application.objects.get(clinic=gp_clinic)
    invite = re.search(r"https?://\S+/apply/invite/\S+", mail.outbox[-1].body).group(0)
    page.goto("/" + invite.split("/", 3)[3])
    page.get_by_role("link", name="Create an account").click()
    page.locator("#id_email").fill("gus@person.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    # the e-mail is opened on the phone: confirm and sign in there
    phone_context = _second_browser(browser, live_server)
    try:
        phone = phone_context.new_page()
        phone.goto(_confirm_link("gus@person.test"))
        phone.get_by_role("main").get_by_role("button", name="Confirm").click()
        sign_in(phone, "gus@person.test", PASSWORD)
        expect(phone.get_by_role("main")).not_to_contain_text("not linked")
        phone.get_by_role("link", name="Continue your application to Clinic northside").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("How we handle your information")
    finally:
        phone_context.close()
    application.refresh_from_db()
    assert application.applicant.email == "gus@person.test"
    # back on the laptop, signing in goes straight on: no second opening of the link
    sign_in(page, "gus@person.test", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("How we handle your information")


@pytest.fixture
def self_referral_clinic(transactional_db):
    from tests.intake.intake_helpers import consent_for

    region = actions.do_create_region(name="Self Region", country="SE")
    clinic = make_clinic(region, "riverside", referral_model=Clinic.Referral.SELF)
    consent_for(clinic)
    return clinic


def test_a_self_referral_confirmed_in_another_browser_is_not_lost(
    page, self_referral_clinic, browser, live_server
):
    from tessera.intake.models import Application, Source

    # On the laptop: the clinic's page, "Start my application", an account
    page.goto("/c/")
    page.get_by_role("link", name="Clinic riverside").click()
    page.get_by_role("link", name="Apply yourself").first.click()
    page.get_by_role("link", name="Start my application").click()
    page.locator("#id_email").fill("nina@apply.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    # the application exists from sign-up: the clinic's draft is not tied to this browser
    application = Application.objects.get(applicant__email="nina@apply.test")
    assert application.clinic == self_referral_clinic and application.source == Source.SELF
    # the e-mail is opened on the phone: confirm and sign in there
    phone_context = _second_browser(browser, live_server)
    try:
        phone = phone_context.new_page()
        phone.goto(_confirm_link("nina@apply.test"))
        phone.get_by_role("main").get_by_role("button", name="Confirm").click()
        sign_in(phone, "nina@apply.test", PASSWORD)
        expect(phone.get_by_role("main")).not_to_contain_text("not linked")
        phone.get_by_role("link", name="Continue your application to Clinic riverside").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("How we handle your information")
    finally:
        phone_context.close()
    # back on the laptop, signing in goes on with the same application, not a second one
    sign_in(page, "nina@apply.test", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("How we handle your information")
    assert Application.objects.filter(applicant__email="nina@apply.test").count() == 1


def test_on_a_phone_the_menu_folds_and_the_safety_plan_is_one_tap_away(phone_page, e2e_world):
    page = phone_page
    cookie_sign_in(page, "patient@alpha.test")
    expect(page.get_by_role("link", name="Questionnaires")).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header["height"] < 640 / 4  # the header no longer takes a third of the screen
    expect(page.get_by_role("link", name="My safety plan")).to_be_visible()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Questionnaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    page.get_by_role("link", name="My safety plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My safety plan")


@pytest.fixture
def just_ended(e2e_world):
    import datetime as dt

    from tessera.portal.ending import do_end_episode
    from tessera.treatment import plans

    episode = e2e_world.patient.episodes.get()
    treatment.do_start_treatment(episode, acting_user=e2e_world.therapist)
    ended_on = plans.clinic_today(e2e_world.clinic) - dt.timedelta(days=5)
    begun_by(episode, ended_on)
    do_end_episode(episode, acting_user=e2e_world.therapist, reason="completed", ended_on=ended_on)
    return e2e_world


def test_a_message_written_just_after_the_end_reaches_the_therapist(
    page, just_ended, browser, live_server
):

    cookie_sign_in(page, "patient@alpha.test", "/me/messages/")
    expect(page.get_by_role("main")).to_contain_text("You can still write")
    page.get_by_label("Your message").fill("One more question about the relapse plan")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".conversation")).to_contain_text("One more question")
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    try:
        cookie_sign_in(staff, "therapist@alpha.test")
        staff.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
        staff.get_by_role("link", name=re.compile(r"^Waiting for a reply \(1\)")).click()
        expect(staff.get_by_role("main")).to_contain_text("Pia Larsson")
    finally:
        staff_context.close()
