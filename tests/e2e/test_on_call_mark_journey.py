"""The on-call mark on a role and the rota agree, in the browser. A clinic manager, on a
phone, unticks "on call for risk alerts" on the only person on the rota of an unguided
clinic (no therapist reads its patients' answers). Before, that person stayed on the
rota: a patient's "I need help" went to them alone, and the link answered them "not
found", so nobody who could open it was told. Now unticking takes them off the rota, the
help request reaches the manager at once, and the manager opens it from the e-mail.
Since decision 0146 the page first says the working hours it leaves uncovered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import OnCallShift
from tessera.core.roles import Role
from tessera.safety.models import RiskAlert
from tessera.treatment import plans
from tests.automation.conftest import make_unguided
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts
from tests.plan_fixtures import _module, _programme

pytestmark = pytest.mark.e2e


def test_unticking_on_call_takes_them_off_the_rota_and_help_reaches_the_manager(
    phone_page, second_page
):
    region = actions.do_create_region(name="Highland Region", country="SE")
    clinic = make_clinic(region, "highland", offers_unguided=True)
    programme = _programme(region, "selfhelp", "Self-help", [_module(region, "calm", "Calm")])
    start = plans.clinic_today(clinic) - dt.timedelta(days=1)
    make_unguided(clinic, "una@highland.test", programme=programme, start=start)
    maja = make_user("maja@highland.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(maja, clinic, Role.CLINIC_MANAGER)
    olle = make_user("olle@highland.test", second_factor=True, first_name="Olle")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)
    actions.do_add_on_call_shifts(
        clinic, acting_user=maja, user=olle, weekdays=range(1, 8), starts_hour=0, ends_hour=24
    )

    # The manager, on a phone, unticks "on call" on Olle's role.
    page = phone_page
    cookie_sign_in(page, maja, f"/clinics/{clinic.slug}/staff/{olle.pk}/")
    card = page.get_by_role("region", name="Therapist")
    card.get_by_label("On call for risk alerts").uncheck()
    card.get_by_role("button", name="Save Therapist").click()
    wait_for_scripts(page)
    # Nobody else is on call in the working hours: asked first (decision 0146).
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been changed yet.")
    assert OnCallShift.objects.filter(user=olle).count() == 7
    page.get_by_role("button", name="Save it anyway").click()
    wait_for_scripts(page)
    expect(page.get_by_role("main")).to_contain_text("The role's settings were saved.")
    expect(page.get_by_role("main").get_by_label("On call for risk alerts")).not_to_be_checked()
    page.goto(f"/clinics/{clinic.slug}/on-call/")
    expect(page.get_by_role("main")).to_contain_text("Nobody is on call yet.")
    assert not OnCallShift.objects.filter(user=olle).exists()

    # The patient asks for help.
    mail.outbox.clear()
    cookie_sign_in(second_page, "una@highland.test", "/me/help/")
    second_page.get_by_label("What do you need help with?").fill("I cannot go on like this.")
    second_page.get_by_role("button", name="Send to my clinic").click()
    wait_for_scripts(second_page)
    expect(second_page.get_by_role("heading", level=1)).to_have_text("Your message has been sent")
    alert = RiskAlert.objects.get()
    told = {m.to[0] for m in mail.outbox}
    assert maja.email in told and olle.email not in told

    # The manager follows the e-mail's link and acknowledges the alert.
    (to_maja,) = [m for m in mail.outbox if m.to == [maja.email]]
    link = re.search(r"/alerts/\d+/", to_maja.body).group(0)
    page.goto(link)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Risk alert")
    expect(main).to_contain_text("I cannot go on like this.")
    main.get_by_role("button", name=re.compile("Acknowledge", re.I)).click()
    wait_for_scripts(page)
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == maja.pk
