"""The crisis box is never empty, and a clinic with no crisis contacts of its own cannot
take patients (issue 12, point 1; tessera/core/crisis.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core import crisis
from tessera.core.models import Episode
from tessera.core.models.organisation import COUNTRY_CHOICES
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_user
from tests.intake.intake_helpers import REFERRAL

PERSON = {"first_name": "Ref", "last_name": "Erred", "date_of_birth": dt.date(1970, 1, 1)}


def _strip_contacts(clinic):
    clinic.crisis_contacts.all().delete()


@pytest.mark.parametrize("country", [code for code, _label in COUNTRY_CHOICES])
def test_every_supported_country_ships_an_emergency_number_and_a_helpline(country):
    shipped = crisis.national_contacts(country)
    kinds = {c.kind for c in shipped}
    assert kinds >= {crisis.EMERGENCY, crisis.HELPLINE}
    assert all(c.phone and c.source for c in shipped)


def test_the_clinic_contacts_come_first_then_the_national_ones_not_already_listed(world):
    contacts = crisis.contacts_for(world.clinic, "en")
    # The test clinic lists 112 itself: Sweden's 112 is not repeated.
    assert [c.phone for c in contacts] == ["112", "90101", "1177"]
    assert not getattr(contacts[0], "national", False)
    assert all(c.national for c in contacts[1:])


def test_with_no_clinic_contacts_the_box_still_shows_the_countrys_numbers(world, login):
    _strip_contacts(world.clinic)
    world.clinic.country = "GB-SCT"
    world.clinic.save()
    contacts = crisis.contacts_for(world.clinic, "en")
    assert [c.phone for c in contacts] == ["999", "116 123", "111"]
    page = login(world["patient"]).get(reverse("my_safety_plan"))
    text = page.content.decode()
    assert 'href="tel:999"' in text and "Samaritans" in text


def test_a_clinic_without_crisis_contacts_cannot_open_an_episode(world):
    before = Episode.objects.count()
    _strip_contacts(world.clinic)
    with pytest.raises(ValidationError, match="no crisis contacts"):
        do_open_episode(world.patient, world.clinic, acting_user=world["intake"])
    assert Episode.objects.count() == before


def test_a_clinic_without_crisis_contacts_cannot_accept_a_referral_or_an_application(world):
    _strip_contacts(world.clinic)
    with pytest.raises(ValidationError, match="no crisis contacts"):
        apply_actions.do_refer(world.clinic, referral=REFERRAL, person=PERSON)
    with pytest.raises(ValidationError, match="no crisis contacts"):
        apply_actions.do_start_application(world.clinic, applicant=make_user("ada@apply.test"))
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "name", ["intake_clinic", "intake_how_to_apply", "intake_professionals", "intake_refer"]
)
def test_the_public_pages_say_the_clinic_is_not_taking_patients(world, client, name):
    _strip_contacts(world.clinic)
    page = client.get(reverse(name, args=["alpha"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "not taking patients or referrals yet" in text
    assert reverse("intake_start", args=["alpha"]) not in text
    assert 'href="tel:112"' in text  # the national numbers, even so


def test_a_referral_posted_to_a_clinic_without_crisis_contacts_is_not_recorded(world, client):
    _strip_contacts(world.clinic)
    page = client.post(reverse("intake_refer", args=["alpha"]), {"referrer-reason": "x"})
    assert "not taking patients or referrals yet" in page.content.decode()
    assert not Application.objects.exists()


def test_signed_in_applicants_cannot_start_at_a_clinic_without_crisis_contacts(world, login):
    _strip_contacts(world.clinic)
    page = login(make_user("ada@apply.test")).get(reverse("intake_start", args=["alpha"]))
    assert "not taking patients or referrals yet" in page.content.decode()
    assert not Application.objects.exists()


def test_the_public_page_is_open_again_once_a_contact_is_added(world, client):
    _strip_contacts(world.clinic)
    from tessera.core import actions

    actions.do_add_crisis_contact(
        world.clinic, acting_user=world["manager"], language="sv", label="Psykakuten", phone="08-1"
    )
    page = client.get(reverse("intake_clinic", args=["alpha"]))
    assert "not taking patients" not in page.content.decode()


def test_a_norwegian_clinic_without_contacts_shows_the_out_of_hours_doctor_too(world):
    """Norway's national out-of-hours doctor number (legevakt, 116 117), found missing
    while writing the crisis block of decision 0134: a patient in Oslo at night who needs
    a doctor but not an ambulance had only the GP's number."""
    _strip_contacts(world.clinic)
    world.clinic.country = "NO"
    world.clinic.save()
    assert [c.phone for c in crisis.contacts_for(world.clinic, "nb")] == [
        "113",
        "116 123",
        "116 117",
    ]
