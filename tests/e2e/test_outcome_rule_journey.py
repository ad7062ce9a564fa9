"""A clinic manager chooses the Swedish 40 %/30 % outcome rule on the clinic settings page
(issue 12 item 5): the choice is saved, shown on the clinic page and audited."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import AuditEvent, Clinic
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_a_manager_chooses_the_swedish_outcome_rule(page, e2e_world):
    clinic = e2e_world.clinic
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    cookie_sign_in(page, manager.email)

    page.goto(f"/clinics/{clinic.slug}/edit/")
    main = page.get_by_role("main")
    main.get_by_label("Outcome rule").select_option("swedish")
    main.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Swedish reporting rule (a fall of 40 or 30 per cent")
    assert Clinic.objects.get(pk=clinic.pk).outcome_rule == "swedish"
    event = AuditEvent.objects.filter(action="clinic.settings_changed").latest("id")
    assert event.changes["outcome_rule"] == ["national", "swedish"]
