"""A patient with no episode at all sees their country's emergency number on the safety
plan page (from tessera.core.crisis), not a vague "local emergency number"."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from tessera.core import actions, crisis
from tessera.core.models import Patient
from tests.conftest import make_user


def _patient_without_episode(world, email, **record):
    user = make_user(email)
    patient = actions.do_create_patient(
        user=user,
        clinic=world.clinic,
        first_name="No",
        last_name="Episode",
        date_of_birth="1990-01-02",
        email=email,
    )
    Patient.objects.filter(pk=patient.pk).update(**record)
    patient.refresh_from_db()
    return user, patient


def test_the_record_then_the_language_then_the_site_choose_the_country(world):
    _user, patient = _patient_without_episode(world, "none1@alpha.test")
    patient.national_id_country, patient.preferred_language = "NO", "da"
    assert crisis.country_for_patient(patient, "sv") == "NO"  # the record first
    patient.national_id_country = ""
    assert crisis.country_for_patient(patient, "sv") == "DK"  # then their language
    patient.preferred_language = "en"
    assert crisis.country_for_patient(patient, "nl") == "NL"  # then the page's
    # Then the site: every test clinic is in Sweden.
    assert crisis.country_for_patient(patient, "en") == "SE"
    with override_settings(TESSERA_DEFAULT_COUNTRY="GB-SCT"):
        assert crisis.country_for_patient(patient, "en") == "GB-SCT"
    patient.national_id_country = "XX"  # no shipped numbers: skipped
    assert crisis.country_for_patient(patient, "en") == "SE"


def test_the_page_names_the_number(world, login):
    user, _patient = _patient_without_episode(
        world, "none2@alpha.test", national_id_country="NO", preferred_language="en"
    )
    page = login(user).get(reverse("my_safety_plan"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "no safety plan to show" in text
    assert "call 113, the emergency number" in text
    assert "local emergency number" not in text


def test_without_any_country_the_page_keeps_the_general_advice(world, login):
    user, _patient = _patient_without_episode(world, "none3@alpha.test")
    with override_settings(TESSERA_DEFAULT_COUNTRY="XX"):
        text = login(user).get(reverse("my_safety_plan")).content.decode()
    assert "call your local emergency number" in text
