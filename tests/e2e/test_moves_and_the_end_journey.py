"""What a person sees at three edges found walking the demo: a move sent from a second
tab after the same move was made in the first (it moved the module twice); a change to
the plan sent from a page left open while the patient was discharged (Page not found);
a feedback template deleted in two tabs (the second landed on staff home); a note
written while the patient's care moved to a colleague (the text was lost)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.actions.staff import do_change_therapist
from tessera.core.models import Episode, Patient, User
from tessera.feedback.models import FeedbackTemplate
from tessera.treatment.ending import close_episode
from tessera.treatment.models import PlanEntry
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def _order(patient) -> list[int]:
    return list(
        PlanEntry.objects.filter(episode__patient=patient, removed_at__isnull=True)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def _move_down(page, entry_id: int, why: str) -> None:
    form = page.locator(f"form[action$='/plan/{entry_id}/down/']")
    page.locator("details", has=form).locator("summary").click()
    form.get_by_label("Why").fill(why)
    form.get_by_role("button", name="Move down").click()


def test_a_move_sent_again_from_another_tab_moves_once(page, demo):
    cookie_sign_in(page, "therapist@demo.tessera.test")
    plan = f"/patients/{demo.pk}/plan/"
    page.goto(plan)
    other = page.context.new_page()
    other.goto(plan)
    first = _order(demo)[0]
    _move_down(other, first, "She asked to start with sleep")
    expect(other.get_by_role("status")).to_contain_text("The plan was changed.")
    other.close()
    moved = _order(demo)
    assert moved.index(first) == 1

    _move_down(page, first, "She asked to start with sleep")
    expect(page).to_have_url(re.compile(f"{plan}$"))
    said = page.get_by_role("alert").filter(has_text="Nothing was changed")
    expect(said).to_contain_text(
        "Nothing was changed: the order is no longer the one this page showed"
    )
    # and the reason typed in this tab is back in the form, to send again (decision 0100)
    expect(page.get_by_role("status").filter(has_text="What you had typed")).to_be_visible()
    assert _order(demo) == moved


def test_a_plan_change_sent_after_the_discharge_lands_on_the_episode(page, demo):
    cookie_sign_in(page, "therapist@demo.tessera.test", f"/patients/{demo.pk}/plan/")
    episode = Episode.objects.filter(patient=demo).exclude(status="ended").get()
    close_episode(  # discharged meanwhile, elsewhere
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        reason="completed",
        note="",
    )
    before = _order(demo)
    _move_down(page, before[0], "Sleep first")
    expect(page).to_have_url(re.compile(f"/episodes/{episode.pk}/$"))
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("not found")
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was changed: the treatment has ended, so the plan can no longer be changed."
    )
    assert _order(demo) == before


def test_a_feedback_template_deleted_in_two_tabs_lands_on_the_list(page, demo):
    cookie_sign_in(page, "therapist@demo.tessera.test", "/feedback/templates/")
    link = page.locator("a[href$='/delete/']").first
    delete_url = link.get_attribute("href")
    page.goto(delete_url)
    other = page.context.new_page()
    other.goto(delete_url)
    before = FeedbackTemplate.objects.count()
    other.get_by_role("main").get_by_role("button", name=re.compile("Delete")).click()
    expect(other.get_by_role("status")).to_contain_text("The template was deleted.")
    other.close()

    page.get_by_role("main").get_by_role("button", name=re.compile("Delete")).click()
    expect(page).to_have_url(re.compile("/feedback/templates/$"))
    # The same therapist deleted it in the other tab: told it is already gone, not that
    # the form's subject vanished (decision 0097).
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was changed: this was already removed."
    )
    assert FeedbackTemplate.objects.count() == before - 1


def test_a_note_written_while_the_care_moved_is_shown_back_to_copy(page, demo):
    cookie_sign_in(page, "therapist@demo.tessera.test")
    episode = Episode.objects.get(
        patient__user__email="patient2@demo.tessera.test", status="active"
    )
    page.goto(f"/episodes/{episode.pk}/")
    note = "Slept better; wants to try the worry module next. Call on Friday."
    page.get_by_label("New note").fill(note)
    do_change_therapist(  # meanwhile, elsewhere: the manager hands the care over
        episode,
        acting_user=User.objects.get(email="manager@demo.tessera.test"),
        to_user=User.objects.get(email="therapist2@demo.tessera.test"),
        reason="Parental leave",
    )
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You can no longer open this record")
    expect(page.get_by_role("alert")).to_contain_text("What you sent was not saved.")
    expect(page.get_by_text(note)).to_be_visible()
    assert not episode.clinical_notes.filter(text=note).exists()
