"""The clinic's choice to send message text with the record: off by default (dates
only), changed by a clinic manager on the clinic's page (audited), honoured by the
document, the read API and the bulk export, at the same number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import AuditEvent, Episode
from tessera.fhir.actions import do_set_record_sharing
from tessera.fhir.models import RecordSharing
from tessera.fhir.record.document import episode_document
from tessera.fhir.record.load import load_records
from tests.conftest import sign_in
from tests.fhir.record_fixtures import fill_episode
from tests.fhir.smart_helpers import KeyPair, get_token, register

BASE = "https://tessera.example.org/fhir"
WORDS = ["A private worry", "A reply"]


@pytest.fixture
def filled(world):
    return fill_episode(world)


def _communications(world) -> tuple[dict, list[dict]]:
    (record,) = load_records(Episode.objects.filter(pk=world.episode.pk))
    bundle = episode_document(record, BASE, pdf_for=lambda letter: b"%PDF-1.7 test")
    found = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
    ]
    return bundle, found


def test_messages_leave_as_dates_only_by_default(filled):
    bundle, found = _communications(filled)
    assert len(found) == 2 and not any("payload" in c for c in found)
    text = json.dumps(bundle)
    assert not any(words in text for words in WORDS)
    titles = [s["title"] for s in bundle["entry"][0]["resource"]["section"]]
    assert "Messages (dates only)" in titles


def test_a_manager_turns_message_text_on_and_it_is_audited(client, filled):
    manager = filled["manager"]
    sign_in(client, manager)
    url = reverse("clinic_record_sharing", args=[filled.clinic.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Messages now go as dates only" in page.content.decode()
    response = client.post(url, {"message_content": "on"})
    assert response.status_code == 302
    assert RecordSharing.objects.get(clinic=filled.clinic).message_content
    event = AuditEvent.objects.filter(action="fhir.record_sharing_changed").get()
    assert event.actor == manager and event.changes == {"message_content": [False, True]}
    assert "Messages now go with their text" in client.get(url).content.decode()
    _bundle, found = _communications(filled)
    assert sorted(c["payload"][0]["contentString"] for c in found) == sorted(WORDS)
    # Saving the same choice again records nothing; turning it off is audited again.
    client.post(url, {"message_content": "on"})
    client.post(url, {})
    assert AuditEvent.objects.filter(action="fhir.record_sharing_changed").count() == 2
    _bundle, found = _communications(filled)
    assert not any("payload" in c for c in found)


def test_the_clinic_page_links_to_it(client, filled):
    sign_in(client, filled["manager"])
    detail = client.get(reverse("clinic_detail", args=[filled.clinic.slug])).content.decode()
    assert reverse("clinic_record_sharing", args=[filled.clinic.slug]) in detail


def test_only_the_clinics_own_choice_counts(filled):
    do_set_record_sharing(filled.other_clinic, message_content=True, acting_user=None)
    _bundle, found = _communications(filled)
    assert not any("payload" in c for c in found)


def test_text_costs_no_more_queries(filled):
    with CaptureQueriesContext(connection) as off:
        load_records(Episode.objects.all())
    do_set_record_sharing(filled.clinic, message_content=True, acting_user=filled["manager"])
    with CaptureQueriesContext(connection) as on:
        records = load_records(Episode.objects.all())
        _ = [m.body for record in records for m in record.messages]
    assert len(off) == len(on) == 8


def test_the_read_api_carries_text_once_the_clinic_chose_it(client, filled):
    keys = KeyPair()
    registered = register(keys=keys, clinic=filled.clinic)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered)}"}
    url = f"/fhir/Patient/{filled.patient.pk}/$everything"
    assert not any(w in client.get(url, **auth).content.decode() for w in WORDS)
    do_set_record_sharing(filled.clinic, message_content=True, acting_user=filled["manager"])
    text = client.get(url, **auth).content.decode()
    assert all(w in text for w in WORDS)
