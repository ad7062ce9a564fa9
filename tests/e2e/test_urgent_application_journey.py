"""Issue 12: an urgent application nobody acknowledges within the hour is passed on to
the clinic managers once, and the intake coordinator's acknowledgement shows, in a real
browser on the demo (Alma Ström's risk answer at Riverside)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tessera.automation.sweep import run_automation
from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tessera.notifications.models import Notification
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_an_unacknowledged_urgent_application_reaches_the_managers_then_is_acknowledged(
    page, seeded_demo, clock
):
    clock.shift(dt.timedelta(hours=2))
    summary = run_automation()
    assert summary.urgent_applications >= 1
    run_automation()  # a second run tells nobody again
    told = Notification.objects.filter(kind="urgent_application_escalated")
    managers = set(
        ClinicRole.objects.filter(
            clinic__applications__first_name="Alma", role=Role.CLINIC_MANAGER
        ).values_list("user__email", flat=True)
    )
    assert managers and managers <= set(told.values_list("recipient__email", flat=True))
    assert told.count() == told.values("recipient", "channel").distinct().count()

    cookie_sign_in(page, "intake@demo.tessera.test", "/intake/")
    row = page.get_by_role("row").filter(has_text="Alma")
    expect(row).to_contain_text("not yet acknowledged")
    expect(row).to_contain_text("passed on to the clinic managers")
    row.get_by_role("link", name=re.compile("Alma")).click()
    page.get_by_role("button", name="Acknowledge: I am dealing with this").click()
    expect(page.locator("#urgent-state")).to_contain_text("acknowledged by")
    expect(page.get_by_role("button", name="Acknowledge: I am dealing with this")).to_have_count(0)
    page.goto("/intake/")
    expect(page.get_by_role("row").filter(has_text="Alma")).not_to_contain_text(
        "not yet acknowledged"
    )
