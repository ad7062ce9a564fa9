"""An invitation link opened in a browser where a therapist is still signed in, then
opened again in a second browser after it was used (decision 0103). The first answered a
bare "Page not found"; the second offered "Create an account" again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.actions import staff as staff_actions
from tessera.core.models import AuditEvent, User
from tessera.intake.models import Application
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import staff_sign_in, wait_for_scripts
from tests.security.test_invitations import _refer, _url

pytestmark = pytest.mark.e2e


def test_an_invitation_with_a_colleague_signed_in_and_then_used_twice(page, second_page, e2e_world):
    application = _refer(e2e_world)
    make_user("gus@person.test")
    link = _url(application)
    main = page.get_by_role("main")

    staff_sign_in(page, e2e_world.therapist)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out to use this invitation")
    expect(main).to_contain_text("You are signed in as therapist@alpha.test, a staff account")
    expect(main).not_to_contain_text("gus@person.test")
    main.get_by_role("button", name="Sign out").click()
    wait_for_scripts(page)

    expect(page).to_have_url(re.compile(re.escape(link) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete your application")
    main.get_by_role("link", name="I already have an account: sign in").click()
    page.get_by_label("Email").fill("gus@person.test")
    page.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign in").click()
    wait_for_scripts(page)
    # Signed in with the address the invitation went to: it is theirs (intake.receivers).
    expect(page).to_have_url(re.compile(f"/apply/{application.pk}/consent/$"))

    # The same link, in a second browser: used, so sign in, never a second account.
    second_page.goto(link)
    second = second_page.get_by_role("main")
    expect(second_page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has been used"
    )
    expect(second.get_by_role("link", name="Create an account")).to_have_count(0)
    expect(second.get_by_role("link", name="Sign in")).to_be_visible()

    # And again in the first browser, by the person who used it: straight back in.
    page.goto(link)
    expect(page).to_have_url(re.compile(f"/apply/{application.pk}/consent/$"))

    application.refresh_from_db()
    assert application.applicant.email == "gus@person.test"
    assert User.objects.filter(email__iexact="gus@person.test").count() == 1
    assert Application.objects.filter(email="gus@person.test").count() == 1
    assert AuditEvent.objects.filter(action="security.invite_refused").count() == 1


def test_a_password_link_opened_in_a_colleagues_session_asks_before_signing_out(page, e2e_world):
    """allauth signed the colleague out without a word (decision 0111)."""
    link = staff_actions.invitation_link(e2e_world.patient.user)
    main = page.get_by_role("main")

    staff_sign_in(page, e2e_world.therapist)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is for another account")
    expect(main).to_contain_text("You are signed in as therapist@alpha.test")
    expect(main).not_to_contain_text("patient@alpha.test")
    # Still the colleague's session: home is theirs.
    main.get_by_role("link", name="Stay signed in and go home").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(link)
    main.get_by_role("button", name="Sign out and open the link").click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.locator("#id_password1").fill("a-new-long-passphrase-7")
    page.locator("#id_password2").fill("a-new-long-passphrase-7")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")
    assert User.objects.get(pk=e2e_world.patient.user_id).check_password("a-new-long-passphrase-7")
