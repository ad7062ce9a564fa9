"""MADRS-S through the browser: the clinic has entered its licensed wording; the manager
schedules MADRS-S; a new patient fills it in (shown in the licensed wording), it is
scored, and item 9 at 4 opens a risk alert (issue 12, priority 3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.instruments.actions import do_save_clinic_wording
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, Response
from tests.conftest import make_patient, make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

ITEMS = {str(n): f"MADRS-S fråga {n} enligt klinikens licens" for n in range(1, 10)}
OPTIONS = {str(v): f"Steg {v}" for v in range(7)}


def test_madrs_s_scheduled_filled_in_scored_and_item9_opens_an_alert(page, e2e_world):
    clinic = e2e_world.clinic
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    do_save_clinic_wording(
        clinic,
        "MADRS-S",
        "sv",
        acting_user=manager,
        instructions="Markera det som stämmer bäst de senaste tre dagarna.",
        recall_period="",
        items=ITEMS,
        options=OPTIONS,
        source_note="Klinikens licensierade version",
    )

    cookie_sign_in(page, manager.email, f"/clinics/{clinic.slug}/measures/")
    main = page.get_by_role("main")
    main.get_by_label("Questionnaire").select_option("MADRS-S")
    main.get_by_label(re.compile("^When", re.I)).select_option("pre")
    main.get_by_role("button", name=re.compile("^Add")).click()
    page.wait_for_load_state()
    expect(main).to_contain_text("The questionnaire was added to the schedule.")
    page.get_by_role("button", name=re.compile("Sign out", re.I)).first.click()
    page.wait_for_load_state()

    patient, episode = make_patient(
        clinic, "madrs@alpha.test", therapist=e2e_world.therapist, first="Mia"
    )
    treatment.do_start_treatment(episode, acting_user=e2e_world.therapist)
    assert DueMeasure.objects.filter(episode=episode, instrument="MADRS-S").exists()

    cookie_sign_in(page, patient.user.email)
    page.get_by_role("link", name=re.compile(r"\(MADRS-S\)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MADRS-S")
    expect(page.get_by_role("main")).to_contain_text(ITEMS["9"])
    for n in range(1, 9):
        page.get_by_role("group", name=re.compile(rf"^{n}\.")).get_by_label("Steg 2").check()
    page.get_by_role("group", name=re.compile(r"^9\.")).get_by_label("Steg 4").check()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()

    response = Response.objects.get(episode=episode, instrument="MADRS-S")
    assert response.total == 20 and response.band == "moderate"
    alert = RiskAlert.objects.get(episode=episode)
    assert alert.rule_codes == ["madrss_item9"] and alert.severity == "high"
