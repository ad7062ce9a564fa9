"""A patient writing a worksheet in a module the clinic takes out of the plan meanwhile
(walked in Chromium): the autosave said "kept on this device, sent when you are back
online" and retried for ever; "Save" answered Page not found and the text was lost. Now
the autosave says why in its status line and stops; "Save" shows what was typed, to
copy; the module's page opened again goes to the plan with a word."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient, User
from tessera.treatment.actions.plans import do_remove_module
from tessera.treatment.models import WorksheetAnswer
from tests.e2e.conftest import cookie_sign_in
from tests.e2e.test_plan_journey import _open_text_field

pytestmark = pytest.mark.e2e

TAKEN_OUT = "This module was taken out of your plan, so it can no longer be opened."


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def test_a_worksheet_in_a_module_taken_out_meanwhile_keeps_its_text(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    reader = f"/me/modules/{entry.pk}/?step={step.position}"
    page.goto(reader)
    answers = WorksheetAnswer.objects.filter(entry=entry, step=step).count()
    do_remove_module(  # by the therapist, elsewhere
        entry,
        acting_user=User.objects.get(email="therapist@demo.tessera.test"),
        reason="Not needed now",
    )

    box = page.locator(f"[name='{field['key']}']")
    box.fill("I went to the library on Tuesday.")
    expect(page.locator("[data-autosave-status]")).to_have_text(TAKEN_OUT)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not saved")
    expect(page.get_by_role("alert")).to_contain_text(TAKEN_OUT)
    expect(page.get_by_text("I went to the library on Tuesday.")).to_be_visible()
    assert WorksheetAnswer.objects.filter(entry=entry, step=step).count() == answers

    page.goto(reader)
    expect(page).to_have_url(re.compile(r"/me/modules/$"))
    expect(page.get_by_role("status").filter(has_text="taken out")).to_contain_text(TAKEN_OUT)


def _ended(patient, *, read_only_days_ago: int, ended_days_ago: int):
    """The treatment ended, its answers read-only from some days ago (set on the row: the
    dates a discharge weeks back would have left)."""
    import datetime as dt

    from tessera.core.models import Episode
    from tessera.treatment.ending import close_episode

    episode = Episode.objects.filter(patient=patient).exclude(status="ended").get()
    close_episode(
        episode,
        acting_user=User.objects.get(email="therapist@demo.tessera.test"),
        reason="completed",
        note="",
    )
    today = dt.date.today()
    Episode.objects.filter(pk=episode.pk).update(
        ended_on=today - dt.timedelta(days=ended_days_ago),
        read_only_from=today - dt.timedelta(days=read_only_days_ago),
    )


def test_a_worksheet_whose_answers_became_read_only_meanwhile_says_why(page, demo):
    """The refusal came as JSON with a 409, which worksheet.js showed as raw JSON."""
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    _ended(demo, read_only_days_ago=1, ended_days_ago=2)
    page.locator(f"[name='{field['key']}']").fill("Typed after the last day.")
    expect(page.locator("[data-autosave-status]")).to_have_text(
        "Your treatment has ended and your answers are now read-only."
    )


def test_a_worksheet_past_the_reading_period_meanwhile_stops_retrying(page, demo):
    """The page answered 404 and worksheet.js said "kept on this device, sent when you
    are back online" and retried every 15 seconds for ever."""
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    _ended(demo, read_only_days_ago=3000, ended_days_ago=3000)
    page.locator(f"[name='{field['key']}']").fill("Typed years later.")
    expect(page.locator("[data-autosave-status]")).to_have_text(
        "Not saved: this worksheet can no longer be changed. "
        "Open your plan to see what is there now."
    )
