"""A patient whose therapist has left but is still named on the episode, on a phone
(320 px): the messages page says the clinic's team reads their messages while a new
therapist is found (not that they go to the therapist who left), the patient writes, and
the clinic's manager finds the message in the inbox and the patient on the staff page's
list of patients who need a new therapist."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_a_patient_whose_therapist_left_writes_and_the_manager_sees_it(page, phone_page, e2e_world):
    manager = make_user("manager@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, e2e_world.clinic, Role.CLINIC_MANAGER)
    ClinicRole.objects.filter(user=e2e_world.therapist, role=Role.THERAPIST).delete()

    patient = phone_page
    cookie_sign_in(patient, "patient@alpha.test", "/me/messages/")
    main = patient.get_by_role("main")
    expect(main.get_by_text("the clinic's team reads your messages")).to_be_visible()
    expect(main).not_to_contain_text("Your messages go to your therapist")
    expect(main).not_to_contain_text("Tove Terapeut")
    expect(main.get_by_text("This is not an emergency service")).to_be_visible()
    main.get_by_label("Your message").fill("I have not heard from anyone this week.")
    main.get_by_role("button", name="Send").click()
    expect(patient.locator(".conversation")).to_contain_text("not heard from anyone")

    cookie_sign_in(page, manager, "/inbox/")
    row = page.get_by_role("row").filter(has_text="Pia Larsson")
    expect(row.first).to_contain_text("Waiting for a reply")
    page.goto("/clinics/alpha/staff/")
    leavers = page.get_by_role("region", name="Patients who need a new therapist")
    expect(leavers).to_contain_text("Pia Larsson")
