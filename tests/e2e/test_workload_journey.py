"""A therapist's time on a patient's page is measured while they use it, and they add a
phone call by hand; their workload page shows the week."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tessera.workload.models import TimeEntry
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def _measured(therapist) -> int:
    return sum(
        TimeEntry.objects.filter(user=therapist, source="active").values_list("seconds", flat=True)
    )


def _rows(therapist) -> int:
    return TimeEntry.objects.filter(user=therapist, source="active").count()


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_time_is_measured_while_the_page_is_used_and_can_be_corrected(page, e2e_world):
    cookie_sign_in(page, e2e_world.therapist.email)
    # The browser's clock and the server's move together, so 30 seconds of use take none.
    page.clock.install()
    page.goto(f"/patients/{e2e_world.patient.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pia")

    # The first heartbeat starts the clock; the next, 30 seconds later, adds the time.
    _wait_for(lambda: _rows(e2e_world.therapist) > 0)
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        page.mouse.move(120, 200)
        traveller.shift(dt.timedelta(seconds=30))
        page.clock.run_for(30_000)
        _wait_for(lambda: _measured(e2e_world.therapist) >= 25)
    assert 25 <= _measured(e2e_world.therapist) <= 60

    page.get_by_role("link", name="Time spent on this episode").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Time spent")
    page.get_by_label("Minutes").fill("20")
    page.get_by_role("button", name="Record time").click()
    expect(page.locator("#id_reason_error, .field-error, .error-text").first).to_be_visible()
    expect(page.get_by_label("Minutes")).to_have_value("20")
    page.get_by_label("Why").fill("Phone call with the patient")
    page.get_by_role("button", name="Record time").click()
    expect(page.get_by_role("status")).to_contain_text("The time was recorded")
    expect(page.get_by_role("cell", name="Phone call with the patient")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My workload")
    expect(page.get_by_role("table")).to_contain_text("(this week)")
