"""Decision 0165 in a real browser: a clinic manager's search by a part of a name that
finds more patients than the list counts is told so, and asked for more of the name,
as they type and on the page; the first page still lists the first of the matches, and
more of the name finds the one they want, counted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.core.views import patients as patient_views
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_clinic, make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

CAP = 5


@pytest.fixture
def many_linds(transactional_db, monkeypatch):
    monkeypatch.setattr(patient_views, "SEARCH_CAP", CAP)
    region = actions.do_create_region(name="Cap Region", country="SE")
    clinic = make_clinic(region, "riverside")
    manager = make_user("manager@riverside.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    for n in range(8):
        patient = actions.do_create_patient(
            user=make_user(f"lind{n}@riverside.test"),
            clinic=clinic,
            first_name="Eva",
            last_name=f"Lindqvist{n}",
            date_of_birth=dt.date(1980, 1, 1 + n),
            email=f"lind{n}@riverside.test",
        )
        do_open_episode(patient, clinic, status="active")
    return manager


def test_a_search_that_finds_too_many_asks_for_more_of_the_name(page, many_linds):
    cookie_sign_in(page, many_linds, reverse("patient_list"))
    main = page.get_by_role("main")
    search = main.get_by_label("Search by name or identity number")
    search.fill("lindq")  # as they type
    status = page.locator("#patient-search-status")
    expect(status).to_have_text(f"More than {CAP} patients match: add more to the search")
    rows = main.get_by_role("link", name=re.compile(r"^Lindqvist"))
    expect(rows.first).to_have_text("Lindqvist0, Eva")
    search.press("Enter")  # and the page itself
    expect(
        main.get_by_text(f"More than {CAP} patients match: add more to the search")
    ).to_be_visible()
    expect(rows.first).to_have_text("Lindqvist0, Eva")
    fits_and_passes_axe(page)
    search = page.get_by_role("main").get_by_label("Search by name or identity number")
    search.fill("lindqvist7")
    expect(status).to_have_text("1 patient found")
    expect(main.get_by_role("link", name="Lindqvist7, Eva")).to_have_count(1)
    expect(main.get_by_text("patients match")).to_have_count(0)
