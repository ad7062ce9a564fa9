"""Decision 0154, follow-up, walked in Chromium: a patient with two open courses at once
(clinic alpha's still open, referred to clinic beta). Before: the home said "1 new",
Messages showed beta's conversation and alpha's word was on no page."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.messaging import actions as message_actions
from tessera.treatment import actions as treatment
from tests.conftest import make_clinic, make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


def test_the_other_open_course_s_message_is_read(page, e2e_world):
    alpha = e2e_world.clinic
    first = e2e_world.patient.episodes.get()
    treatment.do_start_treatment(first, acting_user=e2e_world.therapist)
    beta = make_clinic(alpha.region, "beta")
    bea = make_user("therapist@beta.test", second_factor=True, first_name="Bea")
    actions.do_grant_role(bea, beta, Role.THERAPIST)
    treatment.do_open_episode(e2e_world.patient, beta, status="active", therapist=bea)
    message_actions.do_send_message(
        first,
        acting_user=e2e_world.therapist,
        body="See you on Thursday.",
        submission_key=uuid.uuid4(),
    )
    main = page.get_by_role("main")
    cookie_sign_in(page, e2e_world.patient.user, "/")
    main.get_by_role("link", name="You have one unread message from your care team.").click()
    wait_for_scripts(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(main).to_contain_text("You have 1 new message in your other course.")
    others = main.get_by_role("region", name="Your other courses")
    expect(others).to_contain_text("(1 new)")
    fits_and_passes_axe(page)
    others.get_by_role("link", name="Your other course at Clinic alpha").click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages of your other course")
    expect(main).to_contain_text("See you on Thursday.")
    expect(main).to_contain_text("Your course at Clinic alpha is open too.")
    fits_and_passes_axe(page)

    main.get_by_role("link", name="Back to Messages").click()
    wait_for_scripts(page)
    expect(main.get_by_role("region", name="Your other courses")).not_to_contain_text("new")
