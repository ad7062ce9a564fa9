"""The same form sent twice (a double click, or back and send again): one record, and the
second answer says what happened to the first. Found walking the referral form, the
concern form and the letters page at their edges (decision 0067): each made a second
application (and a second invitation e-mail to the person), a second risk alert (and a
second page to whoever is on call), a second letter.

A form carries a ``submission_key`` (a hidden UUID made when the page is drawn); the
action given a key it has already seen returns the record the key made. A form without
one (a page drawn before the key existed) is taken as before."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tessera.core.actions import do_update_patient_details
from tessera.intake.models import Application
from tessera.letters.models import Letter
from tessera.safety.models import RiskAlert
from tests.intake.test_intake_referral_pages import _form as referral_form


def _key_in(page: str) -> str:
    marker = 'name="submission_key" value="'
    if marker not in page:
        marker = '-submission_key" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 36]


def test_a_referral_sent_twice_makes_one_application(world, client, mailoutbox):
    url = reverse("intake_refer", args=["alpha"])
    key = _key_in(client.get(url).content.decode())
    first = client.post(url, referral_form(**{"referrer-submission_key": key}))
    assert first.status_code == 302
    again = client.post(url, referral_form(**{"referrer-submission_key": key}))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Application.objects.filter(clinic=world.clinic, email="gus@person.test").count() == 1
    receipt = client.get(again["Location"]).content.decode()
    application = Application.objects.get(email="gus@person.test")
    assert application.reference in receipt
    invitations = [m for m in mailoutbox if "gus@person.test" in m.to]
    assert len(invitations) <= 1


def test_a_referral_key_from_another_browser_does_not_show_its_receipt(world, client):
    """A key is not a way in: another browser sending a key already used gets its own
    answer (a new referral), never the first referral's reference."""
    from django.test import Client

    url = reverse("intake_refer", args=["alpha"])
    key = str(uuid.uuid4())
    client.post(url, referral_form(**{"referrer-submission_key": key}))
    first = Application.objects.get(email="gus@person.test").reference
    other = Client()
    response = other.post(url, referral_form(**{"referrer-submission_key": key}))
    if response.status_code == 302:
        assert first not in other.get(response["Location"]).content.decode()


@pytest.fixture
def therapist_client(world, client, login):
    return login(world["therapist"])


def test_a_concern_sent_twice_raises_one_alert(world, therapist_client):
    url = reverse("raise_concern", args=[world.episode.pk])
    key = _key_in(therapist_client.get(url).content.decode())
    before = RiskAlert.objects.count()
    data = {"concern": "Said he has a plan.", "severity": "high", "submission_key": key}
    first = therapist_client.post(url, data)
    again = therapist_client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert RiskAlert.objects.count() == before + 1
    page = therapist_client.get(again["Location"]).content.decode()
    assert "already" in page


def test_another_users_concern_key_is_not_theirs(world, login):
    url = reverse("raise_concern", args=[world.episode.pk])
    key = str(uuid.uuid4())
    data = {"concern": "Said he has a plan.", "severity": "high", "submission_key": key}
    assert login(world["therapist"]).post(url, data).status_code == 302
    response = login(world["manager"]).post(url, data)
    assert response.status_code < 500
    assert RiskAlert.objects.filter(raised_by=world["manager"]).count() <= 1


def test_a_letter_written_twice_is_one_letter(world, therapist_client):
    do_update_patient_details(
        world.patient,
        acting_user=world["therapist"],
        gp_name="Dr Eva Ek",
        gp_practice="Vårdcentralen Norr",
        letters_to_gp=True,
    )
    page = therapist_client.get(reverse("episode_letters", args=[world.episode.pk]))
    key = _key_in(page.content.decode())
    url = reverse("letter_write", args=[world.episode.pk])
    data = {"kind": "started", "language": "en", "submission_key": key}
    first = therapist_client.post(url, data)
    again = therapist_client.post(url, data)
    assert first["Location"] == again["Location"]
    assert Letter.objects.count() == 1
    page = therapist_client.get(again["Location"]).content.decode()
    assert "already" in page


def test_a_concern_sent_again_from_a_fresh_form_after_back_raises_one_alert(
    world, therapist_client
):
    """Back draws the form anew (a new key): the same concern from the same person in
    the last minutes is the same alert."""
    url = reverse("raise_concern", args=[world.episode.pk])
    before = RiskAlert.objects.count()
    data = {"concern": "Said he has a plan.", "severity": "high"}
    first = therapist_client.post(url, data | {"submission_key": str(uuid.uuid4())})
    again = therapist_client.post(url, data | {"submission_key": str(uuid.uuid4())})
    assert again["Location"] == first["Location"]
    assert RiskAlert.objects.count() == before + 1
    other = therapist_client.post(url, data | {"concern": "Another worry."})
    assert other["Location"] != first["Location"]
    assert RiskAlert.objects.count() == before + 2


def test_a_referral_sent_again_from_a_fresh_form_is_one_application(world, client):
    url = reverse("intake_refer", args=["alpha"])
    first = client.post(url, referral_form(**{"referrer-submission_key": str(uuid.uuid4())}))
    again = client.post(url, referral_form(**{"referrer-submission_key": str(uuid.uuid4())}))
    assert first.status_code == again.status_code == 302
    assert Application.objects.filter(email="gus@person.test").count() == 1
