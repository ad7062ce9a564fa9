"""Decision 0160 in a real browser: a clinic manager changes a therapist's leave from
the leave list. The new cover cannot open her patients (a therapist without the on-call
mark): the page asks first, naming both, and nothing is changed yet; the manager changes
it anyway, and the list shows the new cover and days. Before, there was no change: the
leave was removed and recorded again."""

from __future__ import annotations

import datetime as dt

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


def test_a_leave_is_changed_and_a_cover_who_cannot_act_is_asked_about_first(page, e2e_world):
    clinic, tove = e2e_world.clinic, e2e_world.therapist
    maja = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(maja, clinic, Role.CLINIC_MANAGER)
    olle = make_user("olle@alpha.test", second_factor=True, first_name="Olle", last_name="Ek")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)
    sara = make_user("sara@alpha.test", second_factor=True, first_name="Sara", last_name="Sund")
    actions.do_grant_role(sara, clinic, Role.SUPERVISOR)
    first = clinic_today(clinic) + dt.timedelta(days=3)
    leave = actions.do_record_leave(
        clinic,
        acting_user=maja,
        user=tove,
        first_day=first,
        last_day=first + dt.timedelta(days=4),
        cover=sara,
    )
    last = first + dt.timedelta(days=9)

    cookie_sign_in(page, maja, f"/clinics/{clinic.slug}/staff/{tove.pk}/leave/")
    page.get_by_role("main").get_by_role("link", name="Change this leave").click()
    wait_for_scripts(page)
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the leave")
    expect(main.get_by_label("First day")).to_have_value(first.isoformat())
    fits_and_passes_axe(page)
    main.get_by_label("Last day").fill(last.isoformat())
    main.get_by_label("Colleague who covers").select_option(label="Olle Ek")
    main.get_by_role("button", name="Save the change").click()
    wait_for_scripts(page)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Olle Ek cannot open Tove Terapeut's patients")
    expect(page.get_by_role("main")).to_contain_text("Nothing has been changed yet.")
    leave.refresh_from_db()
    assert (leave.cover, leave.last_day) == (sara, first + dt.timedelta(days=4))
    fits_and_passes_axe(page)  # the question page, which the axe walk cannot reach

    page.get_by_role("main").get_by_role("button", name="Change it anyway").click()
    wait_for_scripts(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("The leave was changed.")
    expect(main.get_by_role("table")).to_contain_text("Olle Ek")
    (leave,) = StaffLeave.objects.all()
    assert (leave.cover, leave.first_day, leave.last_day) == (olle, first, last)
    assert AuditEvent.objects.filter(action="staff.leave_changed").count() == 1
