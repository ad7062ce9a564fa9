"""Decision 0128 in a real browser: a therapist with two patients named Anna Svensson
finds the right one by the link's accessible name, which carries her date of birth, in
the patient list and in the caseload, and lands on her record and her course."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_annas(transactional_db):
    region = actions.do_create_region(name="Namesake Region", country="SE")
    clinic = make_clinic(region, "riverside")
    therapist = make_user("therapist@riverside.test", second_factor=True, first_name="Tove")
    actions.do_grant_role(therapist, clinic, Role.THERAPIST)
    annas = []
    for local, born in [("anna.one", dt.date(1990, 1, 2)), ("anna.two", dt.date(1985, 3, 12))]:
        patient = actions.do_create_patient(
            user=make_user(f"{local}@riverside.test"),
            clinic=clinic,
            first_name="Anna",
            last_name="Svensson",
            date_of_birth=born,
            email=f"{local}@riverside.test",
        )
        episode = do_open_episode(patient, clinic, status="active", therapist=therapist)
        annas.append((patient, episode))
    return therapist, annas


def test_a_therapist_opens_the_right_one_of_two_namesakes(page, two_annas):
    therapist, [(_first, _first_episode), (second, second_episode)] = two_annas
    cookie_sign_in(page, therapist, reverse("patient_list"))
    main = page.get_by_role("main")
    # Both are listed, each told apart by her date of birth.
    expect(main.get_by_role("link", name=re.compile(r"^Svensson, Anna"))).to_have_count(2)
    expect(
        main.get_by_role("link", name="Svensson, Anna (born 1990-01-02)", exact=True)
    ).to_have_count(1)
    main.get_by_role("link", name="Svensson, Anna (born 1985-03-12)", exact=True).click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("patient_detail", args=[second.pk])) + "$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Svensson")

    page.goto(reverse("caseload"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"^Anna Svensson"))).to_have_count(2)
    main.get_by_role("link", name="Anna Svensson (born 1985-03-12)", exact=True).click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("episode_overview", args=[second_episode.pk])))
    )
