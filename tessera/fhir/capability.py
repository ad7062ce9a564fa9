"""The CapabilityStatement at /fhir/metadata: exactly what this server does (FHIR R4B).

``tests/fhir/test_capability.py`` checks that every interaction, search parameter and
operation listed here is answered, and that every FHIR route is listed."""

from __future__ import annotations

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

FHIR_VERSION = "4.3.0"
BULK_DATA = "http://hl7.org/fhir/uv/bulkdata"


def _search(name: str, kind: str, text: str) -> dict:
    return {"name": name, "type": kind, "documentation": text}


PAGING = [
    _search("_count", "number", "Page size: default 50, at most 200."),
    _search("_offset", "number", "Where the page starts (as the next link gives it)."),
]
PATIENT = _search("patient", "reference", "The patient (Patient/id or id).")
SINCE = _search("_since", "date", "Only what was submitted at or after this instant.")
HANDLING = (
    "Search and operation parameters follow FHIR's Prefer: handling. An unknown or "
    "unsupported parameter (or _format other than JSON, or a parameter that may appear "
    "once given twice) is answered 400 with an OperationOutcome naming it, unless the "
    "request says Prefer: handling=lenient; then it is ignored, and the Bundle's self "
    "link lists only the parameters used. Without the header the server is strict. "
    "Empty parameters are ignored; a malformed value is 400 either way."
)


def capability_statement(base: str) -> dict:
    data = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-03",
        "kind": "instance",
        "software": {"name": "Tessera"},
        "implementation": {"description": "Tessera iCBT platform", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "instantiates": [f"{BULK_DATA}/CapabilityStatement/bulk-data"],
        "rest": [
            {
                "mode": "server",
                "documentation": HANDLING,
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/"
                            "oauth-uris",
                            "extension": [{"url": "token", "valueUri": f"{base}/auth/token"}],
                        }
                    ],
                    "description": (
                        "Reading (Patient, EpisodeOfCare, Observation, QuestionnaireResponse, "
                        "$everything, $export) needs an access token from SMART Backend "
                        "Services (client credentials with a signed JWT assertion; see "
                        f"{base}/.well-known/smart-configuration) whose system scopes cover "
                        "the resource type. ServiceRequest needs a bearer token issued to "
                        "the referring organisation by the clinic."
                    ),
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "read"}],
                        "operation": [
                            {
                                "name": "everything",
                                "definition": (
                                    "http://hl7.org/fhir/OperationDefinition/Patient-everything"
                                ),
                                "documentation": (
                                    "Every resource of the patient the token's scopes allow, "
                                    "in one page; _since and _type are honoured."
                                ),
                            }
                        ],
                    },
                    {
                        "type": "EpisodeOfCare",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            PATIENT,
                            _search(
                                "_since",
                                "date",
                                "Only episodes opened, changed (an audited change) or "
                                "assessed at or after this instant.",
                            ),
                            *PAGING,
                        ],
                    },
                    {
                        "type": "Observation",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            PATIENT,
                            _search("code", "token", "LOINC code of a total score."),
                            _search("date", "date", "When it was measured (ge, gt, le, lt, eq)."),
                            SINCE,
                            *PAGING,
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [PATIENT, SINCE, *PAGING],
                    },
                    {
                        "type": "ServiceRequest",
                        "interaction": [{"code": "create"}, {"code": "read"}],
                        "documentation": (
                            "A referral: a ServiceRequest with a contained Patient, or a Bundle "
                            "holding one ServiceRequest and its Patient. Answers 201 with the "
                            "created ServiceRequest; read it again later for its status."
                        ),
                    },
                    {"type": "Questionnaire", "interaction": [{"code": "read"}]},
                ],
                "operation": [
                    {
                        "name": "export",
                        "definition": f"{BULK_DATA}/OperationDefinition/export",
                        "documentation": (
                            "Bulk Data export of everything the client may read "
                            "(Prefer: respond-async; _type, _since)."
                        ),
                    },
                    {
                        "name": "group-export",
                        "definition": f"{BULK_DATA}/OperationDefinition/group-export",
                        "documentation": "Bulk Data export of one clinic: Group/{clinic slug}.",
                    },
                ],
            }
        ],
    }
    CapabilityStatement.model_validate(data)
    return data
