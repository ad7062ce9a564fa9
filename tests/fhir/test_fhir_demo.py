"""The demo shows the FHIR work: a record system registered for Riverside whose key
``manage.py fhir_demo_client`` can use, and the Canal clinic sending message text (its
setting page says so) while Riverside sends dates only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tessera.core.models import Clinic, User
from tessera.fhir import demo as fhir_demo
from tessera.fhir.models import SystemClient, shares_message_content
from tests.conftest import sign_in


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DEMO = True
    settings.TESSERA_FHIR_DEMO_CLIENT_DIR = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


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
