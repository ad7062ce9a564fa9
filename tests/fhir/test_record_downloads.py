"""Downloading an episode's record: staff get the FHIR document, the patient their own
as FHIR JSON and as a PDF; every download audited, nobody else's reachable."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tessera.core.models import AuditEvent
from tests.conftest import sign_in
from tests.fhir.record_fixtures import fill_episode


@pytest.fixture
def filled(world):
    return fill_episode(world)


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def test_the_therapist_downloads_the_episode_as_a_validated_document(client, filled):
    sign_in(client, filled["therapist"])
    response = _download(client, reverse("episode_fhir", args=[filled.episode.pk]))
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert "DocumentReference" in kinds
    (letter,) = [e["resource"] for e in bundle["entry"] if e["resource"]["id"].startswith("letter")]
    import base64

    assert base64.b64decode(letter["content"][0]["attachment"]["data"]).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="episode.fhir.viewed").latest("id")
    assert (event.actor, event.patient, event.purpose) == (
        filled["therapist"],
        filled.patient,
        "care",
    )


def test_a_colleague_without_the_case_and_other_clinics_get_nothing(client, filled):
    url = reverse("episode_fhir", args=[filled.episode.pk])
    for kind in ["colleague", "other_manager", "author", "researcher"]:
        sign_in(client, filled[kind])
        assert client.get(url).status_code == 404, kind
    assert not AuditEvent.objects.filter(action="episode.fhir.viewed").exists()
    assert AuditEvent.objects.filter(action="security.access_denied").count() >= 4


def test_the_patient_downloads_their_own_record_as_json_and_pdf(client, filled):
    sign_in(client, filled.patient.user)
    page = _download(client, reverse("my_record"))
    assert reverse("my_record_pdf", args=[filled.episode.pk]) in page.content.decode()
    bundle = json.loads(
        _download(client, reverse("my_record_fhir", args=[filled.episode.pk])).content
    )
    Bundle.model_validate(bundle)
    pdf = _download(client, reverse("my_record_pdf", args=[filled.episode.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    purposes = set(
        AuditEvent.objects.filter(
            action__in=["episode.fhir.viewed", "episode.summary.viewed"]
        ).values_list("action", "purpose")
    )
    assert purposes == {("episode.fhir.viewed", "self"), ("episode.summary.viewed", "self")}


def test_the_summary_says_what_the_record_holds_without_message_words(filled):
    from tessera.core.models import Episode
    from tessera.fhir.record.load import load_records
    from tessera.fhir.record.summary import summary_html

    (record,) = load_records(Episode.objects.filter(pk=filled.episode.pk))
    html = summary_html(record, "en")
    for expected in ["F32.1", "Activity and mood", "GAD-7", "You sent 1 messages", "Dr Eva Ek"]:
        assert expected in html, expected
    assert "A private worry" not in html and "Secret concern" not in html
    swedish = summary_html(record, "sv")
    assert 'lang="sv"' in swedish


def test_a_patient_cannot_download_another_patients_record(client, filled):
    sign_in(client, filled.other_patient.user)
    for name in ["my_record_fhir", "my_record_pdf"]:
        assert client.get(reverse(name, args=[filled.episode.pk])).status_code == 404
