"""Decision 0158 walked in Chromium: a patient with two open courses at once (clinic
alpha's still open, referred to clinic beta) writes to alpha's care team from the other
course's page (the draft kept while typing), and finds alpha's modules, sessions and
progress. Before: the page said messages could not be written there, and My modules,
My sessions and My progress showed beta's course only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.appointments import actions as appointments
from tessera.core import actions
from tessera.core.roles import Role
from tessera.messaging.models import Message, MessageDraft
from tessera.treatment import actions as treatment
from tessera.treatment.actions import plans as plan_actions
from tests.conftest import make_clinic, make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts, wait_until
from tests.plan_fixtures import _module, _programme

pytestmark = pytest.mark.e2e


def _two_open(e2e_world):
    alpha = e2e_world.clinic
    first = e2e_world.patient.episodes.get()
    treatment.do_start_treatment(first, acting_user=e2e_world.therapist)
    activity = _module(alpha.region, "activity", "Activity and mood", worksheet=True)
    programme = _programme(alpha.region, "depression", "Depression", [activity])
    plan_actions.do_seed_plan(first, programme, acting_user=e2e_world.therapist)
    appointments.do_book_appointment(
        first,
        acting_user=e2e_world.therapist,
        therapist=e2e_world.therapist,
        kind="face_to_face",
        place="Room alpha",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    beta = make_clinic(alpha.region, "beta")
    bea = make_user("therapist@beta.test", second_factor=True, first_name="Bea")
    actions.do_grant_role(bea, beta, Role.THERAPIST)
    treatment.do_open_episode(e2e_world.patient, beta, status="active", therapist=bea)
    return first


def test_the_patient_writes_to_the_other_course_and_finds_its_work(page, e2e_world):
    first = _two_open(e2e_world)
    main = page.get_by_role("main")
    cookie_sign_in(page, e2e_world.patient.user, "/me/messages/")
    main.get_by_role("region", name="Your other courses").get_by_role(
        "link", name="Your other course at Clinic alpha"
    ).click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages of your other course")
    expect(main).to_contain_text("You can read and write its messages here.")
    box = main.get_by_label("Message")
    box.fill("Can we move Thursday's session?")
    # The draft autosaves to alpha's course, not beta's.
    expect(main.locator("#draft-status")).to_contain_text("Draft saved", timeout=10_000)
    wait_until(
        lambda: MessageDraft.objects.filter(
            episode=first, body="Can we move Thursday's session?"
        ).exists()
    )
    fits_and_passes_axe(page)
    main.get_by_role("button", name="Send").click()
    wait_for_scripts(page)
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_be_visible()
    expect(main.get_by_role("region", name="Conversation")).to_contain_text(
        "Can we move Thursday's session?"
    )
    assert Message.objects.get(body="Can we move Thursday's session?").episode_id == first.pk

    page.goto(page.url.split("/me/")[0] + "/me/modules/")
    wait_for_scripts(page)
    other = main.get_by_role("region", name="Your other course at Clinic alpha")
    expect(other).to_contain_text("Activity and mood")
    fits_and_passes_axe(page)
    other.get_by_role("link", name="Activity and mood").click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity and mood")

    page.goto(page.url.split("/me/")[0] + "/me/sessions/")
    wait_for_scripts(page)
    expect(main).to_contain_text("Room alpha")
    expect(main).to_contain_text("Clinic alpha")
    fits_and_passes_axe(page)

    page.goto(page.url.split("/me/")[0] + "/me/progress/")
    wait_for_scripts(page)
    main.get_by_role("region", name="Your other courses").get_by_role(
        "link", name="Your other course at Clinic alpha"
    ).click()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress in your other course")
    fits_and_passes_axe(page)
