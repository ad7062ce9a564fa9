"""The demo's record system: seed_demo's fhir part registers a SMART client and keeps its
key; ``manage.py fhir_demo_client`` gets a token with it and runs a Bulk Data export
against a running server over real HTTP, printing the manifest. Seeding again keeps the
same client while its key is there."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tessera.fhir import demo
from tessera.fhir.models import RecordSharing, SystemClient
from tests.conftest import make_clinic

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(e2e_world, settings, tmp_path):
    settings.TESSERA_FHIR_DEMO_CLIENT_DIR = tmp_path / "demo-client"
    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    canal = make_clinic(e2e_world.clinic.region, "canal")
    ctx = SimpleNamespace(clinics={"riverside": e2e_world.clinic, "canal": canal}, staff={})
    demo.seed(ctx)
    return ctx


def test_the_demo_client_exports_over_http(live_server, seeded):
    out = io.StringIO()
    call_command("fhir_demo_client", base_url=f"{live_server.url}/fhir", stdout=out)
    text = out.getvalue()
    assert f"Token endpoint (from .well-known/smart-configuration): {live_server.url}" in text
    assert "scope system/*.rs" in text
    assert "$export accepted (202)" in text
    assert "Export complete" in text
    assert "  Patient: " in text and "First Patient: Patient/" in text


def test_seeding_again_keeps_the_client_and_the_canal_clinic_sends_text(seeded, tmp_path):
    (client,) = SystemClient.objects.filter(name=demo.NAME)
    demo.seed(seeded)
    assert list(SystemClient.objects.filter(name=demo.NAME)) == [client]
    assert RecordSharing.objects.get(clinic=seeded.clinics["canal"]).message_content
    (demo.key_dir() / "private-key.pem").unlink()
    demo.seed(seeded)
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert SystemClient.objects.filter(name=demo.NAME, revoked_at__isnull=True).count() == 1


def test_without_a_seeded_client_the_command_says_what_to_do(settings, tmp_path, db):
    settings.TESSERA_FHIR_DEMO_CLIENT_DIR = tmp_path / "none"
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("fhir_demo_client")
