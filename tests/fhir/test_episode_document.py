"""The episode as a FHIR document Bundle: every resource the issue names, validated,
nothing clinical in free text, a fixed number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from tessera.core.models import Episode
from tessera.fhir.record import resources as r
from tessera.fhir.record.document import InvalidExport, episode_document, validate
from tessera.fhir.record.load import load_records
from tests.fhir.record_fixtures import fill_episode

BASE = "https://tessera.example.org/fhir"


@pytest.fixture
def filled(world):
    return fill_episode(world)


def _document(world, **kwargs):
    (record,) = load_records(Episode.objects.filter(pk=world.episode.pk))
    return episode_document(record, BASE, pdf_for=lambda letter: b"%PDF-1.7 test", **kwargs)


def _by_type(bundle):
    found = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_the_document_holds_every_part_of_the_episode_and_validates(filled):
    bundle = _document(filled)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "document"
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    kinds = _by_type(bundle)
    assert set(kinds) >= {
        "Composition",
        "Patient",
        "EpisodeOfCare",
        "Condition",
        "CarePlan",
        "QuestionnaireResponse",
        "Observation",
        "Encounter",
        "Communication",
        "Flag",
        "DocumentReference",
    }
    (patient,) = kinds["Patient"]
    assert patient["identifier"][0] == {
        "use": "official",
        "system": "urn:oid:1.2.752.129.2.1.3.1",
        "value": "199001022384",
    }
    codes = sorted(c["code"]["coding"][0]["code"] for c in kinds["Condition"])
    assert codes == ["F32.1", "F41.1"]
    assert {c["code"]["coding"][0]["system"] for c in kinds["Condition"]} == {r.ICD10}
    (plan,) = kinds["CarePlan"]
    titles = [a["detail"]["description"] for a in plan["activity"]]
    assert titles == ["Activity and mood", "Values"]
    assert {a["detail"]["status"] for a in plan["activity"]} == {"not-started"}
    (gad,) = kinds["Observation"]
    assert gad["code"]["coding"][0] == {"system": "http://loinc.org", "code": "70274-6"}
    assert gad["valueInteger"] == 7
    (session,) = [e for e in kinds["Encounter"] if e["id"].startswith("session-")]
    assert session["class"]["code"] == "VR" and session["status"] == "planned"
    assert any(e["id"].startswith("assessment-") for e in kinds["Encounter"])
    assert len(kinds["Communication"]) == 2
    (flag,) = kinds["Flag"]
    assert flag["status"] == "active"
    (letter,) = kinds["DocumentReference"]
    assert letter["content"][0]["attachment"]["contentType"] == "application/pdf"
    composition = kinds["Composition"][0]
    listed = {ref["reference"] for s in composition["section"] for ref in s.get("entry", [])}
    others = {f"{k}/{res['id']}" for k, v in kinds.items() for res in v}
    assert listed <= others


def test_no_free_text_of_care_leaves(filled):
    text = json.dumps(_document(filled))
    for secret in ["A private worry", "A reply", "Secret concern text", "Not to be exported"]:
        assert secret not in text


def test_an_ended_alert_is_no_flag_and_removed_modules_are_cancelled(filled):
    from django.utils import timezone

    from tessera.safety.actions import do_acknowledge, do_resolve

    alert = do_acknowledge(filled.alert, acting_user=filled["therapist"])
    do_resolve(alert, acting_user=filled["therapist"], action="phoned", note="Called")
    entry = filled.plan.entry
    entry.removed_at = timezone.now()
    entry.save()
    kinds = _by_type(_document(filled))
    assert "Flag" not in kinds
    statuses = [a["detail"]["status"] for a in kinds["CarePlan"][0]["activity"]]
    assert statuses == ["cancelled", "not-started"]


def test_loading_takes_the_same_queries_for_one_episode_or_many(filled):
    with CaptureQueriesContext(connection) as one:
        load_records(Episode.objects.filter(pk=filled.episode.pk))
    with CaptureQueriesContext(connection) as every:
        records = load_records(Episode.objects.all())
    assert len(records) == 3
    assert len(one) == len(every) == 8


@pytest.mark.parametrize(
    ("country", "value", "system", "digits"),
    [
        ("SE", "19900102-2384", r.SE_PERSONNUMMER, "199001022384"),
        ("SE", "19900162-2383", r.SE_SAMORDNINGSNUMMER, "199001622383"),
        ("NO", "01019012345", r.NO_FODSELSNUMMER, "01019012345"),
        ("NO", "41019012345", r.NO_D_NUMMER, "41019012345"),
        ("DK", "020190-1234", r.DK_CPR, "0201901234"),
        ("NL", "123456782", r.NL_BSN, "123456782"),
        ("GB-SCT", "0201901234", r.SCT_CHI, "0201901234"),
    ],
)
def test_national_identifiers_use_the_official_systems(country, value, system, digits):
    assert r.national_identifier(country, value) == {
        "use": "official",
        "system": system,
        "value": digits,
    }


def test_no_identifier_without_a_known_system():
    assert r.national_identifier("GB", "943 476 5919") is None
    assert r.national_identifier("SE", "") is None


def test_a_resource_that_does_not_validate_is_refused():
    with pytest.raises(InvalidExport, match="Flag/x"):
        validate({"resourceType": "Flag", "id": "x", "status": "nonsense"})
