"""A therapist tailors the demo patient's plan; the patient's finished work stays. And a
worksheet keeps what the patient types when saving fails, then saves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tessera.treatment.models import DueMeasure, PlanEntry, WorksheetAnswer
from tests.e2e.conftest import cookie_sign_in


def _open_text_field(patient):
    """An open, unfinished module of the patient's with a free-text worksheet field."""
    entries = PlanEntry.objects.filter(
        episode__patient=patient, completed_at__isnull=True, position__lte=5
    ).order_by("position")
    for entry in entries:
        for step in entry.module_version.steps.exclude(fields=[]).order_by("position"):
            for field in step.fields:
                if field.get("type") in ("text", "longtext"):
                    return entry, step, field
    raise AssertionError("the demo plan has no open free-text worksheet")


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def _option(form, text: str) -> str:
    return form.locator("option", has_text=text).first.text_content()


def test_a_therapist_adds_a_module_and_switches_programme_without_losing_work(page, demo):
    done_before = set(
        PlanEntry.objects.filter(episode__patient=demo, completed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    answers_before = list(WorksheetAnswer.objects.filter(entry__episode__patient=demo).values())
    cookie_sign_in(page, "therapist@demo.tessera.test", f"/patients/{demo.pk}/plan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan")

    add = page.locator("form", has=page.get_by_role("button", name="Add module"))
    add.get_by_label("Module").select_option(label=_option(add, "Worry: putting"))
    add.get_by_label("Why").fill("Worries keep her awake")
    add.get_by_role("button", name="Add module").click()
    expect(page.get_by_role("status")).to_contain_text("The plan was changed.")
    expect(page.get_by_role("table")).to_contain_text("Worry: putting it in its place")

    switch = page.locator("form", has=page.get_by_role("button", name="Switch programme"))
    switch.get_by_label("New programme").select_option(label=_option(switch, "leep"))
    switch.get_by_label("Why").fill("Sleep is the main problem now")
    switch.get_by_role("button", name="Switch programme").click()
    expect(page.get_by_role("status")).to_contain_text("The plan was changed.")
    history = page.locator(".history")
    expect(history).to_contain_text("Programme switched")
    expect(history).to_contain_text("Sleep is the main problem now")
    expect(history).to_contain_text("Worries keep her awake")
    # The clinic's rules cover before, weekly, after and follow-ups at 3 and 6 months; the
    # sleep programme also asks for PHQ-9 a year after the end, which the switch schedules
    # (issue 20, item 10).
    expect(history).to_contain_text("questionnaires: 1 scheduled, 0 cancelled")
    assert DueMeasure.objects.filter(
        episode__patient=demo, instrument="PHQ-9", time_point="follow_up_12", cancelled=False
    ).exists()

    done_after = set(
        PlanEntry.objects.filter(
            episode__patient=demo, completed_at__isnull=False, removed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    assert done_before and done_before == done_after
    assert list(WorksheetAnswer.objects.filter(entry__episode__patient=demo).values()) == (
        answers_before
    )


def test_a_worksheet_keeps_text_when_saving_fails_and_saves_it_later(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")

    # The connection drops: every autosave fails.
    page.route("**/steps/**", lambda route: route.abort())
    box = page.locator(f"[name='{field['key']}']")
    box.fill("A long evening walk, and I called Anna.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Not saved yet")
    assert not WorksheetAnswer.objects.filter(entry=entry, step=step).exists()

    # The page is closed and opened again while still offline: the text is restored.
    page.reload()
    expect(page.locator(f"[name='{field['key']}']")).to_have_value(
        "A long evening walk, and I called Anna."
    )
    # Back online: the restored text is sent and stored.
    page.unroute("**/steps/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved.")
    answer = WorksheetAnswer.objects.get(entry=entry, step=step)
    assert answer.values[field["key"]] == "A long evening walk, and I called Anna."
