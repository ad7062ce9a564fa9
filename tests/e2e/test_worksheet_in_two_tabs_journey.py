"""The demo patient has a worksheet open in two tabs (decision 0161). The first tab
saves as she types, many times, and is never refused by its own saves; the second tab,
drawn before them, was saved over the first without a word. Now its autosave is refused
(409), the page says why, and what she typed stays in the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tessera.treatment.models import WorksheetAnswer
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in
from tests.e2e.test_plan_journey import _open_text_field

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def test_a_worksheet_in_two_tabs_is_not_saved_over(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    url = f"/me/modules/{entry.pk}/?step={step.position}"
    page.goto(url)
    other = page.context.new_page()  # a second tab of the same browser, drawn now
    other.goto(url)

    box = page.get_by_label(field["label"], exact=True)
    status = page.locator("[data-autosave-status]")
    for text in ("I went", "I went for a walk", "I went for a walk with Anna."):
        with page.expect_response(lambda r: "/steps/" in r.url) as saved:
            box.fill(text)
        assert saved.value.status == 200  # its own saves never refuse it
    expect(status).to_contain_text("Saved.")
    answer = WorksheetAnswer.objects.get(entry=entry, step=step)
    assert answer.values[field["key"]] == "I went for a walk with Anna."

    other_box = other.get_by_label(field["label"], exact=True)
    with other.expect_response(lambda r: "/steps/" in r.url) as refused:
        other_box.fill("Stayed in and read.")
    assert refused.value.status == 409
    expect(other.locator("[data-autosave-status]")).to_contain_text(
        "changed in another window after you opened this one"
    )
    expect(other_box).to_have_value("Stayed in and read.")
    fits_and_passes_axe(other)
    other.close()
    answer.refresh_from_db()
    assert answer.values[field["key"]] == "I went for a walk with Anna."
