"""Decision 0155 in a real browser: a clinic manager records a therapist's leave with a
colleague to cover who cannot open her patients (a therapist without the on-call mark).
Before, the leave was recorded and the cover passed over without a word: the alerts went
to the rota and the managers. Now the page asks first, naming both; the manager chooses
another cover (the days kept), a supervisor, and the leave is recorded at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.models import AuditEvent, StaffLeave
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


def test_a_cover_who_cannot_open_the_patients_is_asked_about_first(page, e2e_world):
    clinic, tove = e2e_world.clinic, e2e_world.therapist
    maja = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(maja, clinic, Role.CLINIC_MANAGER)
    olle = make_user("olle@alpha.test", second_factor=True, first_name="Olle", last_name="Ek")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)
    sara = make_user("sara@alpha.test", second_factor=True, first_name="Sara", last_name="Sund")
    actions.do_grant_role(sara, clinic, Role.SUPERVISOR)
    first = clinic_today(clinic) + dt.timedelta(days=3)
    last = first + dt.timedelta(days=4)

    cookie_sign_in(page, maja, f"/clinics/{clinic.slug}/staff/{tove.pk}/leave/")
    main = page.get_by_role("main")
    main.get_by_label("First day").fill(first.isoformat())
    main.get_by_label("Last day").fill(last.isoformat())
    main.get_by_label("Colleague who covers").select_option(label="Olle Ek")
    main.get_by_role("button", name="Record the leave").click()
    wait_for_scripts(page)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Olle Ek cannot open Tove Terapeut's patients")
    expect(heading).to_contain_text("whoever is on call and the managers instead")
    expect(page.get_by_role("main")).to_contain_text("Nothing has been recorded yet.")
    assert not StaffLeave.objects.exists()
    fits_and_passes_axe(page)  # the question page, which the axe walk cannot reach

    # Choose another cover: back at the form, the days kept.
    page.get_by_role("main").get_by_role("link", name="Choose another cover").click()
    wait_for_scripts(page)
    main = page.get_by_role("main")
    expect(main.get_by_label("First day")).to_have_value(first.isoformat())
    expect(main.get_by_label("Last day")).to_have_value(last.isoformat())
    main.get_by_label("Colleague who covers").select_option(label="Sara Sund")
    main.get_by_role("button", name="Record the leave").click()
    wait_for_scripts(page)
    expect(page.get_by_role("main")).to_contain_text("The leave was recorded.")
    expect(page.get_by_role("main")).to_contain_text(re.compile("Sara Sund"))
    (leave,) = StaffLeave.objects.all()
    assert (leave.cover, leave.first_day, leave.last_day) == (sara, first, last)
    assert AuditEvent.objects.filter(action="staff.leave_recorded").count() == 1
