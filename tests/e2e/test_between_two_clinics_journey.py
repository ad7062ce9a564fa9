"""Decision 0154, walked in Chromium: a patient whose course at clinic alpha ended and
who is in treatment at clinic beta, as the patient and as each clinic's therapist; and
an applicant's invitation link opened after its 14 days, the server's clock moved.

Before: My progress drew alpha's scores in beta's course with no clinic named, and no
page showed the ended course's scores, modules or worksheets; the home said "1 new"
message and Messages (beta's conversation) said "No messages yet"; the expired
invitation said "contact the clinic that referred you" without saying which."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.messaging import actions as message_actions
from tessera.portal.ending import do_end_episode
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import make_clinic, make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts
from tests.security.test_invitations import _refer, _url

pytestmark = pytest.mark.e2e


def _between_two_clinics(world):
    """Alpha: GAD-7 answered, the course ended, a word from the therapist after the end.
    Beta: a course in treatment."""
    alpha = world.clinic
    MeasureRule.objects.create(clinic=alpha, instrument="GAD-7", time_point="pre")
    first = world.patient.episodes.get()
    treatment.do_start_treatment(first, acting_user=world.therapist)
    treatment.do_submit_response(
        DueMeasure.objects.get(episode=first, instrument="GAD-7"),
        dict.fromkeys(range(1, 8), 2),
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    do_end_episode(first, acting_user=world.therapist, reason="completed")
    message_actions.do_send_message(
        first,
        acting_user=world.therapist,
        body="Your letter is in the post.",
        submission_key=uuid.uuid4(),
    )
    beta = make_clinic(alpha.region, "beta")
    bea = make_user("therapist@beta.test", second_factor=True, first_name="Bea")
    actions.do_grant_role(bea, beta, Role.THERAPIST)
    later = treatment.do_open_episode(world.patient, beta, status="active", therapist=bea)
    return first, later, bea


def test_the_patient_between_two_clinics(page, e2e_world):
    first, _, _ = _between_two_clinics(e2e_world)
    main = page.get_by_role("main")
    cookie_sign_in(page, e2e_world.patient.user, "/")
    # The home counts alpha's word, and its link (as the e-mail's) opens Messages.
    main.get_by_role("link", name="You have one unread message from your care team.").click()
    wait_for_scripts(page)

    # Messages: beta's conversation, and where alpha's word is.
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(main.locator("#unread-earlier")).to_contain_text(
        "You have 1 new message in an earlier course."
    )
    earlier = main.get_by_role("region", name="Earlier courses")
    expect(earlier).to_contain_text("(1 new)")
    fits_and_passes_axe(page)
    earlier.get_by_role("link", name=re.compile("Clinic alpha")).click()
    wait_for_scripts(page)
    expect(main).to_contain_text("Your letter is in the post.")
    expect(main.locator("#earlier-notice")).to_contain_text("Clinic alpha")

    # My progress: beta's course, named; alpha's on its own page, read only.
    page.goto("/me/progress/")
    expect(main.locator("#course-shown")).to_contain_text("your course at Clinic beta")
    expect(main).to_contain_text("No scores yet.")
    main.get_by_role("region", name="Earlier courses").get_by_role(
        "link", name=re.compile("Clinic alpha")
    ).click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress in an earlier course")
    expect(main.locator("#earlier-notice")).to_contain_text("Clinic alpha")
    expect(main.get_by_role("table", name=re.compile("Generalized Anxiety"))).to_contain_text("14")
    expect(main.get_by_role("button")).to_have_count(0)
    fits_and_passes_axe(page)
    main.get_by_role("link", name="Back to My progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    fits_and_passes_axe(page)

    # Questionnaires: what was sent says which clinic asked it.
    page.goto("/me/questionnaires/")
    expect(main.get_by_role("region", name="Sent")).to_contain_text("Clinic alpha")

    # Your record: each course under its clinic.
    page.goto("/me/record/")
    expect(main).to_contain_text("Clinic alpha")
    expect(main).to_contain_text("Clinic beta")


def test_each_clinics_therapist_reaches_their_course_only(page, e2e_world):
    first, later, bea = _between_two_clinics(e2e_world)
    main = page.get_by_role("main")
    cookie_sign_in(page, e2e_world.therapist, f"/episodes/{first.pk}/messages/")
    expect(main).to_contain_text("Your letter is in the post.")
    for path in (f"/episodes/{later.pk}/", f"/episodes/{later.pk}/messages/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(main).to_contain_text("You are signed in as therapist@alpha.test.")
        expect(main.get_by_role("button", name="Sign out and open the link")).to_be_visible()
    # The patient's own earlier-course page, opened in a therapist's session.
    page.goto(f"/me/progress/earlier/{first.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(main.get_by_role("button", name="Sign out and open the link")).to_be_visible()

    cookie_sign_in(page, bea, f"/episodes/{later.pk}/")
    for path in (f"/episodes/{first.pk}/", f"/episodes/{first.pk}/messages/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(main).to_contain_text("You are signed in as therapist@beta.test.")
    page.goto(f"/patients/{e2e_world.patient.pk}/measures/")
    expect(main).not_to_contain_text("Generalized Anxiety Disorder")  # alpha's answer


def test_an_invitation_opened_after_its_14_days(page, e2e_world):
    link = _url(_refer(e2e_world))
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=True):
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This link does not work any more"
        )
        words = page.get_by_role("main").locator("#invite-expired")
        expect(words).to_contain_text("is older than 14 days")
        expect(words).to_contain_text("ask Clinic alpha for a new link")
    # Within its 14 days the same link still works.
    with time_machine.travel(timezone.now() + dt.timedelta(days=13), tick=True):
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).not_to_have_text(
            "This link does not work any more"
        )
