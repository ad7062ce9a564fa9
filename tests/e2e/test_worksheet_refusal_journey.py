"""A worksheet answer over the length limit, walked in a browser (issue 13, "bad input:
clear message, nothing lost"): the autosave is refused with 400 and the page keeps the
text on the device; saving with the button shows the message beside the field with the
typed text still there; the saved answer is unchanged throughout.

The field's maxlength stops a person typing past the limit, so the journey removes it,
as a post that bypasses the page would (an old browser, a script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Patient
from tessera.treatment.models import WorksheetAnswer
from tessera.treatment.worksheets import MAX_TEXT
from tests.e2e.conftest import cookie_sign_in
from tests.e2e.test_plan_journey import _open_text_field

KEPT = """() => {
  const form = document.querySelector("form[data-autosave]");
  const pending = window.TesseraRestore.read("tessera-worksheet:" + form.getAttribute("action"));
  return pending ? JSON.stringify(pending) : "";
}"""


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def test_text_over_the_limit_is_refused_beside_the_field_and_kept(page, demo):
    cookie_sign_in(page, "patient@demo.tessera.test")
    entry, step, field = _open_text_field(demo)
    page.goto(f"/me/modules/{entry.pk}/?step={step.position}")
    box = page.get_by_label(field["label"], exact=True)
    status = page.locator("[data-autosave-status]")

    box.fill("I went for a walk with Anna.")
    expect(status).to_contain_text("Saved.")
    saved = WorksheetAnswer.objects.get(entry=entry, step=step)
    assert saved.values[field["key"]] == "I went for a walk with Anna."
    before = (saved.values, saved.updated_at)

    # Autosave: refused with 400, the reason said, the text kept on this device.
    box.evaluate("element => element.removeAttribute('maxlength')")
    too_long = "w" * (MAX_TEXT + 1)
    with page.expect_response(lambda r: "/steps/" in r.url) as refused:
        box.fill(too_long)
    assert refused.value.status == 400
    expect(status).to_contain_text(f"keep it to {MAX_TEXT:,} or fewer")
    assert too_long in page.evaluate(KEPT)
    expect(box).to_have_value(too_long)
    saved.refresh_from_db()
    assert (saved.values, saved.updated_at) == before

    # The Save button: the page comes back (400) with the message beside the field and
    # the typed text in it; nothing saved changed.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Not saved: see the message beside the field.")).to_be_visible()
    box = page.get_by_label(field["label"], exact=True)
    expect(box).to_have_value(too_long)
    expect(box).to_have_accessible_description(
        f"This is {MAX_TEXT + 1:,} characters long; keep it to {MAX_TEXT:,} or fewer. "
        "Nothing was saved: what you wrote is still here.",
        ignore_case=False,
    )
    saved.refresh_from_db()
    assert (saved.values, saved.updated_at) == before
    assert WorksheetAnswer.objects.filter(entry=entry, step=step).count() == 1
