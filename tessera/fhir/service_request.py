"""Reading an incoming referral: a FHIR R4B ServiceRequest with its Patient.

Pure functions, no Django. The Patient may be contained in the ServiceRequest
(``subject.reference = "#id"``) or sent beside it in a Bundle (``subject.reference``
naming the Patient entry's ``fullUrl``). Everything is validated with the fhir.resources
R4B models first; anything wrong is reported as a list of ``Problem`` (where, what), which
the view returns as an OperationOutcome, so a referring system can tell exactly what to
fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

# National identity number systems, by country code as Tessera stores them.
IDENTIFIER_SYSTEMS = {
    "urn:oid:1.2.752.129.2.1.3.1": "SE",  # Swedish personnummer
    "urn:oid:1.2.752.129.2.1.3.3": "SE",  # Swedish samordningsnummer
    "urn:oid:2.16.578.1.12.4.1.4.1": "NO",  # Norwegian fødselsnummer
    "urn:oid:2.16.578.1.12.4.1.4.2": "NO",  # Norwegian D-nummer
    "urn:oid:1.2.208.176.1.2": "DK",  # Danish CPR
    "http://fhir.nl/fhir/NamingSystem/bsn": "NL",  # Dutch BSN
    "https://fhir.scot.nhs.uk/Id/chi-number": "GB-SCT",  # Scottish CHI (unconfirmed URI)
}


# Tessera's extension on the ServiceRequest: valueBoolean true when the patient agrees
# that the clinic writes to the referrer about them. Absent means no (the default).
CONSENT_TO_LETTERS_URL = "https://tessera.example/fhir/StructureDefinition/consent-to-letters"


@dataclass(frozen=True)
class Problem:
    where: str
    what: str


@dataclass
class IncomingReferral:
    first_name: str
    last_name: str
    date_of_birth: dt.date
    national_id_country: str = ""
    national_id: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""
    reason: str = ""
    referrer_name: str = ""
    referrer_organisation: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    priority: str = "routine"
    external_id: str = ""
    consent_to_letters: bool = False
    warnings: list[str] = field(default_factory=list)


class InvalidReferral(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.where}: {p.what}" for p in problems))
        self.problems = problems


class UnprocessableReferral(InvalidReferral):
    """A well-formed ServiceRequest that Tessera cannot take as it is (missing details,
    an inactive request): answered 422, where a malformed one is answered 400."""


def _pydantic_problems(exc: ValidationError, prefix: str) -> list[Problem]:
    problems = []
    for error in exc.errors()[:20]:
        where = ".".join(str(part) for part in (prefix, *error.get("loc", ())))
        problems.append(Problem(where, error.get("msg", "invalid")))
    return problems


def _validate(model, data: dict, prefix: str):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidReferral(_pydantic_problems(exc, prefix)) from exc


def split(payload: dict) -> tuple[ServiceRequest, Patient]:
    """The ServiceRequest and its Patient, from either accepted shape."""
    if not isinstance(payload, dict):
        raise InvalidReferral([Problem("(body)", "expected a JSON object")])
    kind = payload.get("resourceType")
    if kind == "ServiceRequest":
        request = _validate(ServiceRequest, payload, "ServiceRequest")
        return request, _contained_patient(request)
    if kind == "Bundle":
        bundle = _validate(Bundle, payload, "Bundle")
        return _from_bundle(bundle)
    raise InvalidReferral(
        [Problem("resourceType", "expected ServiceRequest, or a Bundle holding one")]
    )


def _contained_patient(request: ServiceRequest) -> Patient:
    ref = (request.subject.reference or "") if request.subject else ""
    if not ref.startswith("#"):
        raise InvalidReferral(
            [
                Problem(
                    "ServiceRequest.subject",
                    "refer to a contained Patient ('#id'), or send the Patient in a Bundle",
                )
            ]
        )
    for resource in request.contained or []:
        if resource.get_resource_type() == "Patient" and resource.id == ref[1:]:
            return resource
    raise InvalidReferral(
        [Problem("ServiceRequest.contained", f"no contained Patient with id '{ref[1:]}'")]
    )


def _from_bundle(bundle: Bundle) -> tuple[ServiceRequest, Patient]:
    requests, patients = [], {}
    for index, entry in enumerate(bundle.entry or []):
        resource = entry.resource
        if resource is None:
            continue
        kind = resource.get_resource_type()
        if kind == "ServiceRequest":
            requests.append(resource)
        elif kind == "Patient":
            for key in filter(None, (entry.fullUrl, f"Patient/{resource.id}")):
                patients[key] = resource
        else:
            raise InvalidReferral(
                [Problem(f"Bundle.entry[{index}]", f"{kind} is not accepted in a referral")]
            )
    if len(requests) != 1:
        raise InvalidReferral([Problem("Bundle.entry", "send exactly one ServiceRequest")])
    request = requests[0]
    ref = request.subject.reference if request.subject else None
    if ref and ref.startswith("#"):
        return request, _contained_patient(request)
    if ref not in patients:
        raise InvalidReferral(
            [Problem("ServiceRequest.subject", f"no Patient entry in the Bundle for '{ref}'")]
        )
    return request, patients[ref]


def _telecom(points, system: str) -> str:
    for point in points or []:
        if point.system == system and point.value:
            return point.value
    return ""


def _patient_fields(patient: Patient, problems: list[Problem]) -> dict:
    name = (patient.name or [None])[0]
    given = " ".join(name.given or []) if name else ""
    family = (name.family or "") if name else ""
    if not given or not family:
        problems.append(Problem("Patient.name", "give the patient's given and family name"))
    if patient.birthDate is None:
        problems.append(Problem("Patient.birthDate", "the date of birth is required"))
    country, number = "", ""
    for ident in patient.identifier or []:
        if ident.system in IDENTIFIER_SYSTEMS and ident.value:
            country, number = IDENTIFIER_SYSTEMS[ident.system], ident.value
            break
    language = ""
    for comm in patient.communication or []:
        codings = comm.language.coding or [] if comm.language else []
        if codings and codings[0].code:
            language = codings[0].code[:2].lower()
            break
    return {
        "first_name": given,
        "last_name": family,
        "date_of_birth": patient.birthDate,
        "national_id_country": country,
        "national_id": number,
        "email": _telecom(patient.telecom, "email"),
        "phone": _telecom(patient.telecom, "phone"),
        "language": language,
    }


def _requester(request: ServiceRequest) -> dict:
    display = request.requester.display if request.requester else ""
    organisation, phone, email = "", "", ""
    for resource in request.contained or []:
        kind = resource.get_resource_type()
        if kind == "Organization" and resource.name:
            organisation = resource.name
        if kind == "Practitioner" and resource.name and not display:
            name = resource.name[0]
            display = " ".join([*(name.given or []), name.family or ""]).strip()
        if kind in ("Practitioner", "Organization"):
            phone = phone or _telecom(resource.telecom, "phone")
            email = email or _telecom(resource.telecom, "email")
    return {
        "referrer_name": display or "",
        "referrer_organisation": organisation,
        "referrer_phone": phone,
        "referrer_email": email,
    }


def _consent_to_letters(request: ServiceRequest) -> bool:
    for extension in request.extension or []:
        if extension.url == CONSENT_TO_LETTERS_URL:
            return extension.valueBoolean is True
    return False


def _reason(request: ServiceRequest) -> str:
    parts = []
    for concept in request.reasonCode or []:
        parts.append(
            concept.text or ", ".join(c.display or c.code or "" for c in concept.coding or [])
        )
    for note in request.note or []:
        parts.append(note.text)
    return "\n".join(p for p in parts if p)


# The longest value of each field Tessera keeps (its column, or the web form's limit),
# and where it is in the resource. A longer one is refused (422), never cut: a cut e-mail
# address or name would be wrong without anyone knowing.
MAX_LENGTHS = {
    "first_name": ("Patient.name.given", 100),
    "last_name": ("Patient.name.family", 100),
    "national_id": ("Patient.identifier.value", 20),
    "email": ("Patient.telecom", 254),
    "phone": ("Patient.telecom", 30),
    "referrer_name": ("ServiceRequest.requester.display", 200),
    "referrer_organisation": ("Organization.name", 200),
    "referrer_phone": ("ServiceRequest.contained.telecom", 40),
    "referrer_email": ("ServiceRequest.contained.telecom", 254),
    "reason": ("ServiceRequest.reasonCode", 4000),
    "external_id": ("ServiceRequest.identifier.value", 100),
}


def _too_long(values: dict) -> list[Problem]:
    return [
        Problem(where, f"at most {limit} characters (this has {len(values[key])})")
        for key, (where, limit) in MAX_LENGTHS.items()
        if isinstance(values.get(key), str) and len(values[key]) > limit
    ]


def read_referral(payload: dict) -> IncomingReferral:
    """Everything Tessera keeps from an incoming referral, or InvalidReferral."""
    request, patient = split(payload)
    problems: list[Problem] = []
    if request.intent not in ("order", "proposal", "plan", "original-order"):
        problems.append(Problem("ServiceRequest.intent", "expected 'order' or 'proposal'"))
    if request.status not in ("active", "draft"):
        problems.append(Problem("ServiceRequest.status", "only an active referral is accepted"))
    fields = _patient_fields(patient, problems)
    reason = _reason(request)
    if not reason:
        problems.append(
            Problem("ServiceRequest.reasonCode", "say why the patient is referred (text or note)")
        )
    identifier = (request.identifier or [None])[0]
    external_id = (identifier.value or "") if identifier else ""
    requester = _requester(request)
    problems += _too_long({**fields, **requester, "reason": reason, "external_id": external_id})
    if problems:
        raise UnprocessableReferral(problems)
    return IncomingReferral(
        **fields,
        reason=reason,
        priority=request.priority or "routine",
        external_id=external_id,
        consent_to_letters=_consent_to_letters(request),
        **requester,
    )


def operation_outcome(problems: list[Problem]) -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "invalid",
                "diagnostics": p.what,
                "expression": [p.where],
            }
            for p in problems
        ],
    }
