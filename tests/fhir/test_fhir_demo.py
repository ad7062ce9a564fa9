"""The demo shows the FHIR work: a record system registered for Riverside whose key
``manage.py fhir_demo_client`` can use, and the Canal clinic sending message text (its
setting page says so) while Riverside sends dates only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.models import Clinic, User
from tessera.fhir import demo as fhir_demo
from tessera.fhir.models import SystemClient, shares_message_content
from tests.conftest import sign_in
from tests.demo_snapshot import put_demo_client_files


@pytest.fixture
def seeded(seeded_demo, settings, tmp_path):
    """The seeded demo copied back, with the files its seeding wrote for the record
    system, instead of seeding it all again here (decision 0086)."""
    settings.TESSERA_FHIR_DEMO_CLIENT_DIR = tmp_path
    put_demo_client_files(tmp_path)


def test_the_demo_has_a_record_system_and_a_clinic_sending_message_text(seeded):
    client = SystemClient.objects.get(name=fhir_demo.NAME, revoked_at__isnull=True)
    assert client.clinic.slug == "riverside" and client.scopes == "system/*.rs"
    assert fhir_demo.read_client()["client_id"] == client.client_id
    assert shares_message_content(Clinic.objects.get(slug="canal"))
    assert not shares_message_content(Clinic.objects.get(slug="riverside"))
    browser = Client()
    sign_in(browser, User.objects.get(email="canal.manager@demo.tessera.test"))
    page = browser.get(reverse("clinic_record_sharing", args=["canal"])).content.decode()
    assert "Messages now go with their text." in page


def test_the_demo_records_carry_letters_to_the_gp(seeded):
    """The demo's Pia (in treatment) and Vera (treatment ended) agreed to letters to
    their GP: the record exported for each holds its letter as a DocumentReference, so
    the record's letters are visible in the demo (the acceptance walk found none)."""
    from tessera.core.models import Episode

    browser = Client()
    for patient, therapist, kind in (
        ("patient@demo.tessera.test", "therapist@demo.tessera.test", "started"),
        ("patient9@demo.tessera.test", "harbour.therapist@demo.tessera.test", "ended"),
    ):
        episode = Episode.objects.get(patient__user__email=patient)
        assert episode.letters.filter(kind=kind).count() == 1
        sign_in(browser, User.objects.get(email=therapist))
        record = browser.get(reverse("episode_fhir", args=[episode.pk]))
        assert record.status_code == 200
        assert '"resourceType": "DocumentReference"' in record.content.decode().replace(
            '":"', '": "'
        )
