"""An episode as a FHIR document Bundle, validated with fhir.resources before it leaves.

A document Bundle (``type`` ``document``) starts with a Composition that says what the
document is and lists its sections; every other entry is one of the episode's
resources (``resources.py``). The whole Bundle is validated with the R4B models; a
resource the models reject raises ``InvalidExport`` and nothing is sent.
"""

from __future__ import annotations

import uuid

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from tessera.core.clinic_dates import clinic_today
from tessera.intake import diagnoses as icd10

from ..models import shares_message_content
from ..validation import model_class, validate_resource
from . import resources as r

# LOINC 34133-9 "Summary of episode note".
SUMMARY_OF_EPISODE = {"system": r.LOINC, "code": "34133-9", "display": "Summary of episode note"}


class InvalidExport(ValueError):
    """A resource Tessera built does not validate: a bug, never sent anywhere."""


def validate(resource: dict) -> dict:
    """The resource, checked against its R4B model; InvalidExport naming it otherwise."""
    kind = resource.get("resourceType", "")
    try:
        validate_resource(model_class(kind), resource)
    except (KeyError, ValidationError) as exc:
        raise InvalidExport(f"{kind}/{resource.get('id')} does not validate: {exc}") from exc
    return resource


def episode_resources(record, base: str, *, pdf_for=None, language: str = "en") -> list[dict]:
    """Every resource of the episode, the Patient first. ``pdf_for(letter)`` makes a
    letter's PDF; without it letters are left out."""
    today = clinic_today(record.episode.clinic)
    found = [r.patient_resource(record.patient, base), r.episode_of_care(record, base)]
    found += r.conditions(record, base, label=lambda code: icd10.label(code, "en"))
    plan = r.care_plan(record, base, today=today)
    if plan:
        found.append(plan)
    found += r.measures(record, base, language=language)
    found += r.encounters(record, base)
    found += r.communications(record, base)
    found += r.flags(record, base)
    if pdf_for is not None:
        found += [r.document_reference(letter, base, pdf_for(letter)) for letter in record.letters]
    return found


SECTIONS = [
    ("Diagnoses", {"Condition"}),
    ("Plan of treatment", {"CarePlan"}),
    ("Measures", {"QuestionnaireResponse", "Observation"}),
    ("Sessions and assessment", {"Encounter"}),
    ("Messages (dates only)", {"Communication"}),
    ("Open risk alerts", {"Flag"}),
    ("Letters", {"DocumentReference"}),
]


def episode_document(record, base: str, *, pdf_for=None, language: str = "en") -> dict:
    """The document Bundle of one episode, validated."""
    episode = record.episode
    found = episode_resources(record, base, pdf_for=pdf_for, language=language)
    now = timezone.now()
    sections = []
    for title, kinds in SECTIONS:
        if kinds == {"Communication"} and shares_message_content(episode.clinic):
            title = "Messages"
        refs = [
            {"reference": f"{res['resourceType']}/{res['id']}"}
            for res in found
            if res["resourceType"] in kinds
        ]
        section = {"title": title, "entry": refs} if refs else None
        if section is None:
            section = {
                "title": title,
                "emptyReason": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                            "code": "nilknown",
                        }
                    ]
                },
            }
        sections.append(section)
    composition = {
        "resourceType": "Composition",
        "id": f"summary-{episode.pk}",
        "status": "final",
        "type": {"coding": [SUMMARY_OF_EPISODE]},
        "subject": {"reference": f"Patient/{episode.patient_id}"},
        "date": now.isoformat(),
        "author": [r.clinic_reference(episode.clinic, base)],
        "title": f"Internet-delivered treatment at {episode.clinic.name}",
        "custodian": r.clinic_reference(episode.clinic, base),
        "section": sections,
    }
    entries = [composition, *found]
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "document",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"{base}/{res['resourceType']}/{res['id']}", "resource": res}
            for res in entries
        ],
    }
    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        raise InvalidExport(
            f"the document of episode {episode.pk} does not validate: {exc}"
        ) from exc
    return bundle
