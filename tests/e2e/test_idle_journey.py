"""An idle clinician is warned before being signed out, stays signed in with one button,
and, when the session runs out anyway, loses nothing they typed (WCAG 2.2.1): a therapist
raising a concern, and an assessor's assessment notes (the issue's own case)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from tessera.safety.models import RiskAlert
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.e2e.conftest import current_totp_code, staff_sign_in

pytestmark = pytest.mark.e2e

NOTES = "She said the weekend was unbearable; ask about it on Monday."


def _staff(page, email):
    staff_sign_in(page, email)


def _age_server_session(page, seconds: int) -> None:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session["tessera_last_seen"] = int(time.time()) - seconds
    session.save()


def _warned_and_stay(page, field: str, typed: str) -> None:
    """The idle warning comes, its "Stay signed in" has the focus, a click keeps the
    session alive (the keep-alive answers 200) and the field keeps what was typed."""
    warning = page.get_by_role("dialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=10_000)
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    with page.expect_response(re.compile(r"/session/keepalive/")) as answer:
        stay.click()
    assert answer.value.status == 200
    expect(warning).to_be_hidden()
    expect(page.get_by_label(field)).to_have_value(typed)


def _sign_in_again(page, email: str, clock) -> None:
    """Sign in again on the page the server sent them to (its ?next= is the form's
    page); a code is used once, so the next one comes from the following 30-second
    window (the server's clock moves on to it rather than the test waiting)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    clock.shift(dt.timedelta(seconds=30 - time.time() % 30 + 0.1))
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_idle_clinician_is_warned_stays_signed_in_and_loses_nothing(
    page, e2e_world, settings, clock
):
    settings.TESSERA_IDLE_MINUTES_STAFF = 1
    settings.TESSERA_IDLE_WARNING_SECONDS = 57  # the warning after 3 seconds
    episode = e2e_world.patient.episodes.get()
    _staff(page, e2e_world.therapist.email)
    page.goto(f"/episodes/{episode.pk}/concern/")
    page.get_by_label("What worries you").fill(NOTES)

    _warned_and_stay(page, "What worries you", NOTES)

    # The session runs out anyway (the clinician was called away) and the form is sent.
    _age_server_session(page, 5 * 60)
    page.get_by_role("button", name="Raise the concern").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fepisodes%2F"))
    assert not RiskAlert.objects.exists()

    # Signing in again on the page the server sent them to.
    _sign_in_again(page, e2e_world.therapist.email, clock)
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/concern/$"))

    expect(page.get_by_role("status").filter(has_text="What you had typed")).to_be_visible()
    expect(page.get_by_label("What worries you")).to_have_value(NOTES)
    assert "tessera_restore_typed" not in page.evaluate("document.cookie")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('pending')).length") == 0
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("Concern raised.")).to_be_visible()
    assert RiskAlert.objects.get().concern == NOTES


ASSESSMENT_NOTES = "Low mood since the spring; sleeps badly; no plans to harm herself."


def test_an_idle_assessor_is_warned_stays_signed_in_and_loses_no_notes(
    page, e2e_world, settings, clock
):
    # The issue's own case: an assessor's typed assessment notes, on the application's
    # page (a page with several forms), survive a warning and a lapsed session.
    from tessera.core import actions
    from tessera.core.roles import Role
    from tessera.intake.models import Application
    from tests.conftest import make_user
    from tests.intake.intake_helpers import make_application
    from tests.intake.matching_fixtures import DEPRESSION, publish_programme

    settings.TESSERA_IDLE_MINUTES_STAFF = 1
    settings.TESSERA_IDLE_WARNING_SECONDS = 57
    clinic = e2e_world.clinic
    assessor = make_user("asta@alpha.test", second_factor=True, first_name="Asta")
    actions.do_grant_role(assessor, clinic, Role.ASSESSOR)
    author = make_user("alma@alpha.test", second_factor=True)
    actions.do_grant_role(author, clinic, Role.CONTENT_AUTHOR)
    programme = publish_programme(
        clinic.region, author, "depression", area="depression", eligibility=DEPRESSION
    )
    version = programme.versions.get(status="published")
    application = make_application(clinic, "idle.applicant@apply.test", first="Ida")

    _staff(page, assessor.email)
    page.goto(f"/intake/applications/{application.pk}/")
    page.get_by_label("Assessment notes").fill(ASSESSMENT_NOTES)

    _warned_and_stay(page, "Assessment notes", ASSESSMENT_NOTES)

    # The session runs out anyway and the assessment is sent: nothing is saved, and
    # after signing in again the notes are back on the application's page.
    _age_server_session(page, 5 * 60)
    page.get_by_role("button", name="Save the assessment and decision").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fintake%2F"))
    _sign_in_again(page, assessor.email, clock)
    expect(page).to_have_url(re.compile(rf"/intake/applications/{application.pk}/$"))
    expect(page.get_by_label("Assessment notes")).to_have_value(ASSESSMENT_NOTES)
    assert Application.objects.get(pk=application.pk).status == application.status

    # The assessor finishes the assessment with the notes as typed.
    page.get_by_label("F32.1 Depressive episode, moderate").check()
    page.get_by_role("radio", name="Low", exact=True).check()
    page.get_by_role("radio", name="Accept and start treatment now").check()
    page.get_by_label("Programme (when accepting)").select_option(str(version.pk))
    page.get_by_label("Care model (when accepting)").select_option("guided")
    page.locator("#id_assess-therapist").select_option(str(e2e_world.therapist.pk))
    page.get_by_role("button", name="Save the assessment and decision").click()
    expect(page.get_by_role("main")).to_contain_text("The assessment and decision are saved.")
    assert Application.objects.get(pk=application.pk).assessment.notes == ASSESSMENT_NOTES
