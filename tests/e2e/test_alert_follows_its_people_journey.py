"""A therapist told alone of a moderate risk alert leaves the same day (decision 0142).

Tove raised a concern about Pia; the clinic has no rota, so Tove alone was told, with
eight working hours to acknowledge. Maja, the manager, offboards Tove through the staff
pages. Before, nobody else heard of the alert until its window ran out; now the next
sweep tells the managers, and Maja follows the e-mail's link to the alert and
acknowledges it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.automation.sweep import run_automation
from tessera.core import actions
from tessera.core.roles import Role
from tessera.safety import actions as safety
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_manager_hears_of_an_alert_whose_only_recipient_left(page, e2e_world):
    clinic = e2e_world.clinic
    tove = e2e_world.therapist
    maja = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(maja, clinic, Role.CLINIC_MANAGER)
    episode = e2e_world.patient.episodes.get()
    alert = safety.do_raise_concern(
        episode, acting_user=tove, concern="Says the nights are the worst.", severity="moderate"
    )
    assert [m.to for m in mail.outbox] == [[tove.email]]
    mail.outbox.clear()

    cookie_sign_in(page, maja, f"/clinics/{clinic.slug}/staff/{tove.pk}/")
    page.get_by_role("link", name=f"Offboard {tove}").click()
    page.get_by_role("button", name=f"Offboard {tove}").click()
    expect(page.get_by_role("main")).to_contain_text("was offboarded")
    assert mail.outbox == []  # the offboarding itself tells nobody of the alert

    run_automation()
    (notice,) = [m for m in mail.outbox if m.to == [maja.email]]
    assert "nights" not in notice.body and "Pia" not in notice.body  # nothing clinical
    link = re.search(r"https?://[^\s]+(/alerts/\d+/)", notice.body).group(1)
    assert link == f"/alerts/{alert.pk}/"

    page.goto(link)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Says the nights are the worst.")
    main.get_by_role("button", name="Acknowledge: I am dealing with this").click()
    expect(main).to_contain_text(re.compile("acknowledged", re.I))
    alert.refresh_from_db()
    assert alert.acknowledged_by == maja and alert.escalation_level == 0
