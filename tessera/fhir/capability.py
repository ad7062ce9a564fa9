"""The CapabilityStatement at /fhir/metadata: what this server does (FHIR R4B)."""

from __future__ import annotations

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

FHIR_VERSION = "4.3.0"


def capability_statement(base: str) -> dict:
    data = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-27",
        "kind": "instance",
        "software": {"name": "Tessera"},
        "implementation": {"description": "Tessera iCBT platform", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": (
                        "ServiceRequest needs a bearer token issued to the referring "
                        "organisation by the clinic (Authorization: Bearer ...)."
                    )
                },
                "resource": [
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
            }
        ],
    }
    CapabilityStatement.model_validate(data)
    return data
