"""Decision 0146 in a real browser: a clinic manager offboards the only person on call
in an unguided clinic (no therapist reads its patients' answers). Before, the leaver was
offboarded at once and the hole in the rota showed up afterwards, as an error on the
rota page. Now the offboarding page says first, in words and in the clinic's time, the
working hours nobody would be on call; "Keep them" changes nothing; "Offboard … anyway"
offboards them, and the rota check then shows the gap to fix."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import AuditEvent, ClinicRole, OnCallShift
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


def test_offboarding_the_only_one_on_call_asks_first(page):
    region = actions.do_create_region(name="Fjord Region", country="SE")
    clinic = make_clinic(region, "fjord", offers_unguided=True)
    maja = make_user("maja@fjord.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(maja, clinic, Role.CLINIC_MANAGER)
    olle = make_user("olle@fjord.test", second_factor=True, first_name="Olle")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)
    actions.do_add_on_call_shifts(
        clinic, acting_user=maja, user=olle, weekdays=range(1, 8), starts_hour=0, ends_hour=24
    )

    cookie_sign_in(page, maja, f"/clinics/{clinic.slug}/staff/{olle.pk}/")
    page.get_by_role("link", name="Offboard Olle").click()
    main = page.get_by_role("main")
    warning = main.get_by_role("alert")
    expect(warning).to_contain_text("Without Olle, nobody is on call at")
    expect(warning).to_contain_text("Europe/Stockholm")
    expect(warning).to_contain_text("Monday 08–16")
    expect(warning).to_contain_text("Nothing has been changed yet.")

    # Keep them: nothing changed.
    main.get_by_role("link", name="Keep them").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olle")
    assert ClinicRole.objects.filter(user=olle).exists()
    assert OnCallShift.objects.filter(user=olle).count() == 7

    # Offboard anyway: done once, and the rota check shows what to fix.
    page.get_by_role("link", name="Offboard Olle").click()
    page.get_by_role("button", name="Offboard Olle anyway").click()
    wait_for_scripts(page)
    expect(page.get_by_role("main")).to_contain_text("Olle was offboarded")
    assert not ClinicRole.objects.filter(user=olle).exists()
    assert AuditEvent.objects.filter(action="staff.offboarded").count() == 1
    page.goto(f"/clinics/{clinic.slug}/on-call/")
    expect(page.get_by_role("main")).to_contain_text("nobody is on call during these working")
