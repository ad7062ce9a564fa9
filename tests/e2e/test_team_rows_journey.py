"""Issue 20, items 8 and 9, in a real browser:

- a supervisor opens a case, sees its latest scores (band, trend and reliable change),
  follows it and records a supervision note, then finds the case, its scores and the
  note on the supervision list;
- a therapist's newly handed-over patient is a "new patient" row in their inbox until
  they open the patient's overview.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.actions import staff as staff_actions
from tessera.core.models import Episode
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in, staff_sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(transactional_db):
    region = actions.do_create_region(name="Team Rows Region", country="SE")
    clinic = make_clinic(region, "rows")
    people = {}
    for kind, role, first in [
        ("therapist", Role.THERAPIST, "Tove"),
        ("colleague", Role.THERAPIST, "Carl"),
        ("supervisor", Role.SUPERVISOR, "Siv"),
        ("manager", Role.CLINIC_MANAGER, "Maj"),
    ]:
        people[kind] = make_user(
            f"{kind}@rows.test", second_factor=True, first_name=first, last_name="Rows"
        )
        actions.do_grant_role(people[kind], clinic, role)
    programme = manual_programme(region, key="rows")
    start = timezone.now() - dt.timedelta(days=30)
    patient, episode, _answer = full_patient(
        None, people["therapist"], programme, 1, start=start, clinic=clinic
    )
    Episode.objects.filter(pk=episode.pk).update(new_to_therapist=False)
    return clinic, people, patient, episode


def test_a_supervisor_follows_a_case_records_a_note_and_sees_its_scores(page, team):
    _clinic, people, patient, episode = team
    staff_sign_in(page, people["supervisor"])
    page.goto(f"/supervision/cases/{episode.pk}/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text(patient.last_name)
    scores = main.locator('[data-column="scores"]')
    expect(scores.locator('[data-instrument="PHQ-9"]')).to_contain_text("18")
    expect(scores).to_contain_text("reliable deterioration since 0")

    main.get_by_role("button", name="Follow this case in supervision").click()
    page.wait_for_load_state()
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name="Stop following this case")).to_be_visible()
    main.get_by_role("textbox", name=re.compile("Supervision note")).fill(
        "Scores rising: plan a risk review this week."
    )
    main.get_by_role("button", name="Save note").click()
    page.wait_for_load_state()
    expect(page.get_by_role("main")).to_contain_text("Scores rising: plan a risk review")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Supervision").click()
    row = page.get_by_role("row", name=re.compile(patient.last_name))
    expect(row.locator('[data-column="scores"] [data-instrument="PHQ-9"]')).to_contain_text("18")
    expect(row).to_contain_text("Scores rising: plan a risk review")


def test_a_handed_over_patient_is_a_new_patient_row_until_opened(page, team):
    clinic, people, patient, episode = team
    staff_actions.do_offboard_staff(
        people["therapist"], acting_user=people["manager"], clinics=[clinic]
    )
    staff_actions.do_hand_over_caseload(
        clinic,
        acting_user=people["manager"],
        from_user=people["therapist"],
        to_user=people["colleague"],
    )
    cookie_sign_in(page, people["colleague"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    new = page.locator(f'[data-kind="new_patient"]#new-{episode.pk}')
    expect(new).to_contain_text("New patient, assigned to Carl Rows: not opened yet")
    new.get_by_role("link", name="Open the overview").click()
    page.wait_for_load_state()
    expect(page.get_by_role("main")).to_contain_text(patient.last_name)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("main")).to_contain_text(patient.last_name)  # other rows stay
    expect(page.locator(f"#new-{episode.pk}")).to_have_count(0)
    expect(page.get_by_role("link", name="New patients (1)")).to_have_count(0)
