"""The patient's path in a browser (issue 14): an applicant on a phone sees the timeline
of their application, writes to the clinic (a double click sends one message), and
reads the intake team's answer; a patient asks to move a session, downloads it as a
calendar file, and the therapist sees the request and deals with it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.appointments import actions as appointments
from tessera.appointments.models import ChangeRequest
from tessera.core import actions
from tessera.core.roles import Role
from tessera.intake.models import ApplicationMessage
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in, sign_in
from tests.intake.intake_helpers import make_application

QUESTION = "I work nights. Could the assessment be in the afternoon?"


@pytest.fixture
def applicant(transactional_db):
    region = actions.do_create_region(name="Journey Region", country="SE")
    clinic = make_clinic(region, "riverside")
    coordinator = make_user("ines@riverside.test", second_factor=True, first_name="Ines")
    actions.do_grant_role(coordinator, clinic, Role.INTAKE_COORDINATOR)
    assessor = make_user("asa@riverside.test", second_factor=True, first_name="Åsa")
    actions.do_grant_role(assessor, clinic, Role.ASSESSOR)
    clinic.contact_phone = "+46 8 555 020"
    clinic.save()
    return make_application(clinic, "ada@apply.test")


def test_an_applicant_follows_the_timeline_and_writes_to_the_clinic(
    phone_page, browser, live_server, applicant
):
    page = phone_page
    cookie_sign_in(page, "ada@apply.test")
    timeline = page.get_by_role("list", name="Your path, step by step")
    expect(timeline).to_be_visible()
    expect(timeline.get_by_role("listitem")).to_have_count(6)
    expect(timeline.locator("[aria-current=step]")).to_contain_text("Assessment")
    expect(timeline.get_by_role("listitem").first).to_contain_text("done")

    page.get_by_role("link", name=re.compile("Your application to")).click()
    expect(page.get_by_role("heading", name="Write to the clinic")).to_be_visible()
    # "use the numbers for urgent help": they are on the page, with the clinic's own
    urgent = page.get_by_role("region", name="If you need help now")
    expect(urgent.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    expect(page.get_by_role("link", name="+46 8 555 020")).to_be_visible()
    page.get_by_label("Your message").fill(QUESTION)
    send = page.get_by_role("button", name="Send to the clinic")
    send.dblclick()  # a double click sends one message
    expect(page.get_by_text("Your message has been sent to the clinic.")).to_be_visible()
    expect(page.locator(".conversation")).to_contain_text(QUESTION)
    assert ApplicationMessage.objects.count() == 1

    # The intake coordinator, in another browser, sees it in the queue and answers.
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    try:
        cookie_sign_in(staff, "ines@riverside.test", "/intake/")
        staff.get_by_role("link", name="One applicant has written and waits for an answer.").click()
        staff.get_by_role("link", name=re.compile("Ada")).click()
        expect(staff.locator("#conversation")).to_contain_text(QUESTION)
        staff.get_by_label("Your message").fill("Yes: we will book an afternoon time.")
        staff.get_by_role("button", name="Send the answer").click()
        expect(staff.get_by_text("Your answer has been sent to the applicant.")).to_be_visible()
    finally:
        staff_context.close()

    page.reload()
    expect(page.locator(".conversation .from-clinic")).to_contain_text("an afternoon time")

    # the assessment is booked by video: the link is a link, not text to copy
    from tessera.intake.actions import triage

    assessor = applicant.clinic.staff_roles.get(role=Role.ASSESSOR).user
    triage.do_book_assessment(
        applicant,
        acting_user=assessor,
        mode="video",
        starts_at=timezone.now() + dt.timedelta(days=2),
        assessor=assessor,
        where="https://video.example/assess-3",
    )
    page.reload()
    expect(page.locator("#phase")).to_have_text("Appointment booked")
    expect(page.get_by_role("link", name="Join the video meeting")).to_have_attribute(
        "href", "https://video.example/assess-3"
    )
    expect(urgent.get_by_role("link", name="112")).to_be_visible()


@pytest.fixture
def coming_session(e2e_world):
    return appointments.do_book_appointment(
        e2e_world.patient.episodes.get(),
        acting_user=e2e_world.therapist,
        therapist=e2e_world.therapist,
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=3),
        video_link="https://video.example/room-7",
    )


def test_a_patient_asks_to_move_a_session_and_the_therapist_sees_it(
    page, browser, live_server, e2e_world, coming_session
):
    cookie_sign_in(page, "patient@alpha.test", "/me/sessions/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "SUMMARY:Appointment at Clinic alpha" in text and "Tove" not in text

    page.get_by_text("Ask to move or cancel").click()
    page.get_by_label("move it to another time").check()
    page.get_by_role("button", name="Send the request").click()
    # a move without times is refused, and nothing chosen is lost
    expect(page.get_by_text("Say which days and times suit you instead.")).to_be_visible()
    expect(page.get_by_label("move it to another time")).to_be_checked()
    page.get_by_label("Times that suit you, or why").fill("Any afternoon after 15:00")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status").filter(has_text="you asked to move it")).to_be_visible()

    _staff_page = browser.new_context(base_url=live_server.url)
    staff = _staff_page.new_page()
    try:
        cookie_sign_in(
            staff, "therapist@alpha.test", f"/episodes/{coming_session.episode_id}/sessions/"
        )
        request = staff.locator(f"#change-request-{coming_session.pk}")
        expect(request).to_contain_text("The patient asks to move it to another time")
        expect(request).to_contain_text("Any afternoon after 15:00")
        request.get_by_role("button", name="Mark as dealt with").click()
        expect(staff.get_by_text("The request is marked as dealt with.")).to_be_visible()
    finally:
        _staff_page.close()
    assert not ChangeRequest.objects.open().exists()


def test_a_forgotten_password_is_replaced_in_the_house_words(page, e2e_world):
    from django.core import mail

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_title("Choose a new password · Tessera")
    page.get_by_label("Email").fill("patient@alpha.test")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)
    page.goto("/" + link.group(0).split("/", 3)[3])
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.locator("#id_password1").fill("a-new-long-passphrase-7")
    page.locator("#id_password2").fill("a-new-long-passphrase-7")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")
    sign_in(page, "patient@alpha.test", "a-new-long-passphrase-7")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_an_unguided_applicant_opens_the_first_module_on_the_day_of_acceptance(page, e2e_world):
    from tessera.intake.actions import decisions as decision_actions
    from tests.intake.matching_fixtures import DEPRESSION, publish_programme

    clinic = e2e_world.clinic
    clinic.offers_unguided = True
    clinic.save()
    assessor = make_user("asa@alpha.test", second_factor=True, first_name="Åsa")
    actions.do_grant_role(assessor, clinic, Role.ASSESSOR)
    author = make_user("author@alpha.test", second_factor=True)
    actions.do_grant_role(author, clinic, Role.CONTENT_AUTHOR)
    programme = publish_programme(
        clinic.region, author, "depression", area="depression", eligibility=DEPRESSION
    )
    application = make_application(clinic, "una@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=assessor,
        programme_version=programme.versions.get(status="published"),
        notes="Mild low mood; fits self-help.",
        diagnoses=["F32.0"],
        risk_level="low",
        decision="wait",
        care_model="unguided",
    )
    cookie_sign_in(page, "una@apply.test")
    page.get_by_role("link", name=re.compile("Continue your module")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/me/modules/\d+/"))


def test_an_old_details_page_does_not_change_a_sent_application(page, applicant):
    """Back to "Your details" after sending (or an old tab): the form changed the name
    the intake team was working from, without a word."""
    cookie_sign_in(page, "ada@apply.test", f"/apply/{applicant.pk}/details/")
    expect(page).to_have_url(re.compile(rf"/apply/{applicant.pk}/status/$"))
    expect(
        page.get_by_text("Your application has been sent, so this can no longer be changed here.")
    ).to_be_visible()
    applicant.refresh_from_db()
    assert applicant.first_name == "Ada"
