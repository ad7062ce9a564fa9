"""A system client asking for a patient outside its clinic or region gets a 404 and the
refusal is audited (issue 13, hole 7: denied access to patient URLs leaves a trace), once
per client and URL a minute, as a person's refused page is."""

from __future__ import annotations

from tessera.core.models import AuditEvent
from tests.fhir.smart_helpers import KeyPair, get_token, register


def _bearer(client, world):
    keys = KeyPair()
    registered = register(keys=keys, scope="system/*.rs", clinic=world.clinic)
    return {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, 'system/*.rs')}"}


def test_a_patient_outside_the_clients_scope_is_refused_and_audited(client, world):
    auth = _bearer(client, world)
    far = world.far_patient.pk  # another clinic's patient
    for url in (f"/fhir/Patient/{far}", f"/fhir/Patient/{far}/$everything"):
        before = AuditEvent.objects.filter(action="security.fhir_scope_refused").count()
        assert client.get(url, **auth).status_code == 404
        assert client.get(url, **auth).status_code == 404  # again within the minute
        events = AuditEvent.objects.filter(action="security.fhir_scope_refused").order_by("id")
        assert events.count() == before + 1
        event = events.last()
        assert event.changes["path"] == url and event.changes["status"] == 404
        assert event.changes["client"] and event.clinic == world.clinic
        assert not AuditEvent.objects.filter(
            action="fhir.api_read", patient=world.far_patient
        ).exists()


def test_a_patient_in_scope_is_not_a_refusal(client, world):
    auth = _bearer(client, world)
    assert client.get(f"/fhir/Patient/{world.patient.pk}", **auth).status_code == 200
    assert not AuditEvent.objects.filter(action="security.fhir_scope_refused").exists()
