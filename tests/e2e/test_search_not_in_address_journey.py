"""Decision 0119 in a real browser: a name searched never reaches the address bar.

- A therapist types a patient's surname into "Search by name or identity number": the
  rows narrow as they type, and the address (what the history, a bookmark and the
  proxy's log keep) holds a token, not the name. Reloading keeps the search; the same
  address opened in another browser (a colleague's) says the search was not kept.
- In the caseload, "Name contains" and a sort: the sort stays in the address, the name
  does not.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_patient, make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

SURNAME = "Fjellstad"


@pytest.fixture
def clinic_with_patients(transactional_db):
    region = actions.do_create_region(name="Search Region", country="SE")
    clinic = make_clinic(region, "searchside")
    therapist = make_user(
        "therapist@searchside.test", second_factor=True, first_name="Tove", last_name="Lind"
    )
    actions.do_grant_role(therapist, clinic, Role.THERAPIST)
    colleague = make_user(
        "colleague@searchside.test", second_factor=True, first_name="Siv", last_name="Lind"
    )
    actions.do_grant_role(colleague, clinic, Role.THERAPIST)
    make_patient(clinic, "ola@searchside.test", therapist=therapist, first="Ola", last=SURNAME)
    make_patient(clinic, "eva@searchside.test", therapist=therapist, first="Eva", last="Moberg")
    return therapist, colleague


def test_a_patient_search_keeps_the_name_out_of_the_address(
    page, browser, live_server, clinic_with_patients
):
    therapist, colleague = clinic_with_patients
    cookie_sign_in(page, therapist, "/patients/")
    rows = page.locator("#patient-rows tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Search by name or identity number").fill(SURNAME[:5])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{SURNAME}, Ola")
    expect(page).to_have_url(re.compile(r"\?s="))  # the history has the search
    assert SURNAME[:5] not in page.url and "q=" not in page.url

    page.get_by_label("Search by name or identity number").fill(SURNAME)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    assert SURNAME not in page.url
    page.reload()
    expect(page.get_by_label("Search by name or identity number")).to_have_value(SURNAME)
    expect(rows).to_have_count(1)

    # A colleague at another computer, given the address (the same code cannot sign the
    # same person in twice within its half-minute).
    other = browser.new_page(base_url=live_server.url)
    cookie_sign_in(other, colleague, page.url)
    expect(other.get_by_role("status")).to_contain_text("That search is not kept any more")
    expect(other.get_by_label("Search by name or identity number")).to_have_value("")
    other.close()


def test_the_caseload_keeps_its_sort_in_the_address_and_the_name_out(page, clinic_with_patients):
    cookie_sign_in(page, clinic_with_patients[0], "/caseload/")
    table = page.locator("table.caseload")
    expect(table.locator("tbody tr")).to_have_count(2)
    page.get_by_label("Name contains").fill("Mober")
    page.get_by_role("search").get_by_role("button", name="Show").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("Moberg")
    page.get_by_role("button", name="Patient: sort by this column").click()
    expect(table.locator("caption")).to_contain_text("sorted by Patient, ascending")
    expect(table.locator("tbody tr")).to_have_count(1)
    assert "sort=patient" in page.url and "Mober" not in page.url
