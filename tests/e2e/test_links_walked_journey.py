"""Cells of decision 0148's table that were read, not walked, walked in Chromium (a fresh
context for each, on the live server; decision 0151), and the patient referred again
reading their earlier course's messages.

The staff invitation (allauth's choose-a-password link): opened in two browsers at once
and saved in both; opened again after it was used; altered; opened after its person was
offboarded. The applicant's invitation: altered."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tessera.core.actions import staff as staff_actions
from tessera.core.models import User
from tessera.core.roles import Role
from tessera.messaging import actions as message_actions
from tessera.portal.ending import do_end_episode
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import DESKTOP, cookie_sign_in, new_context, wait_for_scripts
from tests.security.test_invitations import _refer, _url

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a long new password 2026"


def _invited(world, email):
    staff_actions.do_invite_staff(
        world.clinic, acting_user=world.staff_no_mfa, email=email, role=Role.THERAPIST
    )
    return User.objects.get(email=email)


def _choose_password(page):
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_load_state()


def _says_it_no_longer_works(page):
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Ask for a new one")
    expect(main).to_contain_text("no new link will come: ask the clinic's manager")
    expect(main.get_by_role("link", name="Send me a new link")).to_be_visible()


@pytest.fixture
def fresh(browser, live_server):
    """More fresh browsers in one test, each closed at its end: a context left open keeps
    its sockets to the live server, whose threads then keep their database connections,
    and on PostgreSQL the test database could not be dropped."""
    contexts = []

    def page():
        contexts.append(new_context(browser, live_server, DESKTOP))
        return contexts[-1].new_page()

    yield page
    for context in contexts:
        context.close()


def test_a_staff_invitation_walked_in_fresh_browsers(page, second_page, fresh, e2e_world):
    nora = _invited(e2e_world, "nora@alpha.test")
    link = staff_actions.invitation_link(nora)

    # h: opened in two browsers at once, saved in both: the second is told, not saved.
    page.goto(link)
    second_page.goto(link)
    expect(second_page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    _choose_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")
    _choose_password(second_page)
    _says_it_no_longer_works(second_page)

    # d: used, opened again in a third browser.
    third = fresh()
    third.goto(link)
    _says_it_no_longer_works(third)

    # e: altered.
    third.goto(link.rstrip("/") + "x/")
    _says_it_no_longer_works(third)

    # g: the invited person offboarded before opening it.
    olle = _invited(e2e_world, "olle@alpha.test")
    link = staff_actions.invitation_link(olle)
    staff_actions.do_offboard_staff(
        olle, acting_user=e2e_world.staff_no_mfa, clinics=[e2e_world.clinic]
    )
    fourth = fresh()
    fourth.goto(link)
    _says_it_no_longer_works(fourth)
    olle.refresh_from_db()
    assert not olle.has_usable_password() and not olle.is_active


def test_an_altered_applicant_invitation(page, e2e_world):
    link = _url(_refer(e2e_world))
    page.goto(link.rstrip("/") + "x/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work any more")
    expect(page.get_by_role("main")).to_contain_text("Please contact the clinic")


def test_a_patient_referred_again_reads_the_earlier_courses_messages(page, e2e_world):
    first = e2e_world.patient.episodes.get()
    message_actions.do_send_message(
        first,
        acting_user=e2e_world.therapist,
        body="Well done on finishing the course.",
        submission_key=uuid.uuid4(),
    )
    do_end_episode(first, acting_user=e2e_world.therapist, reason="completed")
    do_open_episode(
        e2e_world.patient, e2e_world.clinic, status="active", therapist=e2e_world.therapist
    )
    cookie_sign_in(page, e2e_world.patient.user, "/me/messages/")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("Well done on finishing the course.")
    earlier = main.get_by_role("region", name="Earlier courses")
    earlier.get_by_role("link", name=re.compile("Clinic alpha")).click()
    wait_for_scripts(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Messages of an earlier course")
    expect(main).to_contain_text("Well done on finishing the course.")
    expect(main.locator("#earlier-notice")).to_contain_text("new messages cannot be sent")
    expect(main.get_by_role("textbox")).to_have_count(0)
    fits_and_passes_axe(page)
    main.get_by_role("link", name="Back to Messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    fits_and_passes_axe(page)


def test_an_e_mail_confirmation_confirmed_in_two_browsers_at_once(page, second_page, e2e_world):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    make_user("gus@person.test")
    address = EmailAddress.objects.get(email="gus@person.test")
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    address.refresh_from_db()
    link = reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])

    # h: both browsers show the question; the second "Yes" comes after the first.
    page.goto(link)
    second_page.goto(link)
    page.get_by_role("button", name="Yes, confirm it").click()
    page.wait_for_load_state()
    second_page.get_by_role("button", name="Yes, confirm it").click()
    second_page.wait_for_load_state()
    main = second_page.get_by_role("main")
    expect(main).to_contain_text("This confirmation link no longer works")
    expect(main.get_by_role("link", name="Sign in")).to_be_visible()
    # d: used, opened again.
    second_page.goto(link)
    expect(main).to_contain_text("This confirmation link no longer works")
    assert EmailAddress.objects.get(pk=address.pk).verified
