"""Someone waiting for a clinic's answer sees on their home where to get help now.

An applicant is nobody's patient yet and has no safety plan: before this, their home
listed the application and its steps and nothing else, and the numbers for urgent help
were one page further, on the application's own page (decision 0107)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.actions import do_add_crisis_contact
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_an_applicant_sees_the_clinics_numbers_for_urgent_help_on_their_home(world, client):
    application = make_application(world.clinic, "wait@apply.test")
    sign_in(client, application.applicant)
    page = _home(client)
    assert 'id="urgent-help"' in page
    assert "If you need help now" in page
    assert 'href="tel:112"' in page


def test_a_draft_shows_them_too(world, client):
    application = make_application(world.clinic, "draft@apply.test", submit=False)
    sign_in(client, application.applicant)
    assert 'href="tel:112"' in _home(client)


def test_the_numbers_follow_the_page_language(world, client):
    do_add_crisis_contact(
        world.clinic,
        acting_user=world["manager"],
        language="sv",
        label="Mottagningens jourtelefon",
        phone="0855501099",
    )
    application = make_application(world.clinic, "sv@apply.test")
    sign_in(client, application.applicant)
    english = _home(client)
    assert "0855501099" not in english and 'href="tel:112"' in english
    swedish = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="sv"' in swedish
    assert "Mottagningens jourtelefon" in swedish and 'href="tel:0855501099"' in swedish


def test_a_patient_in_treatment_has_their_safety_plan_instead(world, client):
    sign_in(client, world.patient.user)
    page = _home(client)
    assert 'id="urgent-help"' not in page


def test_the_numbers_cost_the_applicants_home_one_query(world, client):
    application = make_application(world.clinic, "count@apply.test")
    sign_in(client, application.applicant)
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        _home(client)
    crisis = [q["sql"] for q in queries.captured_queries if "crisiscontact" in q["sql"].lower()]
    assert len(crisis) == 1, crisis
