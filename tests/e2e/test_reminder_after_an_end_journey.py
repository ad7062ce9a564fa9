"""A reminder held for the patient's quiet hours, whose module the clinic removed from
the plan meanwhile, is not sent: the patient's history of what they were told says it
was no longer needed (decision 0105). The sweep and the removal run as the worker and
the clinic would; the patient reads the page in the browser."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.automation.sweep import run_automation
from tessera.core import actions
from tessera.notifications.delivery import deliver_due
from tessera.notifications.models import Notification, Preference
from tessera.treatment import plans
from tessera.treatment.actions import plans as plan_actions
from tests.automation.conftest import make_unguided
from tests.conftest import make_clinic
from tests.e2e.conftest import cookie_sign_in
from tests.plan_fixtures import _module, _programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def held_reminder(transactional_db):
    region = actions.do_create_region(name="Highland Region", country="SE")
    clinic = make_clinic(region, "highland")
    first = _module(region, "calm", "Calm breathing basics")
    second = _module(region, "steps", "Small steps plan")
    programme = _programme(
        region, "selfhelp", "Self-help", [first, second], unlock_rule="after_previous"
    )
    start = plans.clinic_today(clinic) - dt.timedelta(days=1)
    patient, episode = make_unguided(clinic, "una@highland.test", programme=programme, start=start)
    # Quiet hours around this moment: what the sweep writes now is held.
    local = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(clinic.time_zone))
    Preference.objects.create(
        user=patient.user,
        quiet_from=(local - dt.timedelta(hours=1)).time().replace(microsecond=0),
        quiet_until=(local + dt.timedelta(hours=2)).time().replace(microsecond=0),
    )
    run_automation()
    held = Notification.objects.get(recipient=patient.user, kind="reminder_module")
    assert held.state == "intended" and held.send_after
    entry = episode.plan.get(pk=held.params["entry"])
    plan_actions.do_remove_module(entry, acting_user=None, reason="Not for now")
    deliver_due(held.send_after + dt.timedelta(minutes=1))
    return held


def test_a_reminder_for_a_removed_module_is_not_sent_and_says_so(page, held_reminder):
    held_reminder.refresh_from_db()
    assert held_reminder.state == "withdrawn"
    assert not any("Something new is ready" in m.subject for m in mail.outbox)
    cookie_sign_in(page, "una@highland.test", "/me/notifications/history/")
    row = page.locator("#notification-history tr[data-kind='reminder_module']")
    expect(row).to_contain_text("Something new is ready for you")
    expect(row).to_contain_text("no longer needed")
