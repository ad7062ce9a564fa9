"""The resources of one episode, as plain dicts (FHIR R4B, JSON-ready). No queries:
everything comes from an ``EpisodeRecord`` (``load.py``).

Ids are stable and say what they come from (``Patient/12``, ``EpisodeOfCare/34``,
``QuestionnaireResponse/qr-56``), so the same row always becomes the same resource,
whether it leaves in a document, through the read API or in a bulk export.

Nothing clinical that Tessera holds as free text leaves here: no message bodies, no
session notes, no alert concerns, no assessment notes. Messages become Communication
metadata (who sent it, when, whether automated), and carry their text only where the
clinic has chosen so (``RecordSharing.message_content``, off by default); open risk
alerts a Flag with their severity and where they came from.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

from django.utils import translation
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient

from tessera.instruments.scoring import UnknownInstrumentError, load_definition, score

from .. import validation
from ..models import shares_message_content
from ..questionnaire import questionnaire_response_for, total_observation_for

# National identity numbers, in their official systems (the same URIs the referral
# interface reads, service_request.IDENTIFIER_SYSTEMS).
SE_PERSONNUMMER = "urn:oid:1.2.752.129.2.1.3.1"
SE_SAMORDNINGSNUMMER = "urn:oid:1.2.752.129.2.1.3.3"
NO_FODSELSNUMMER = "urn:oid:2.16.578.1.12.4.1.4.1"
NO_D_NUMMER = "urn:oid:2.16.578.1.12.4.1.4.2"
DK_CPR = "urn:oid:1.2.208.176.1.2"
NL_BSN = "http://fhir.nl/fhir/NamingSystem/bsn"
SCT_CHI = "https://fhir.scot.nhs.uk/Id/chi-number"  # unconfirmed URI, as for referrals

ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
BCP47 = "urn:ietf:bcp:47"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"


# Elements that recur in every resource of their kind (a clinic's reference, a care
# model's coding, a message category) and choice labels in the active language: made
# once and shared read-only, the elements validated once (``validation.trusted``).
# Bounded like validation's caches: past LIMIT entries all are made anew.
_SHARED: dict[tuple, object] = {}


def _shared(key: tuple, make):
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= validation.LIMIT:
            _SHARED.clear()
        found = _SHARED[key] = make()
    return found


def choice_label(instance, name: str) -> str:
    """``str(instance.get_<name>_display())``, once per model, field, value and language
    (Django rebuilds the field's choices as a dict on every call)."""
    value = getattr(instance, name)
    return _shared(
        ("label", type(instance), name, value, translation.get_language()),
        lambda: str(getattr(instance, f"get_{name}_display")()),
    )


def national_identifier(country: str, value: str) -> dict | None:
    """The identifier in its country's official system, digits only as the national
    FHIR profiles write them; None for a country without a known system."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if country == "SE":
        # Skatteverket SKV 704: a samordningsnummer has the birth day + 60.
        system = SE_SAMORDNINGSNUMMER if int(digits[6:8]) > 60 else SE_PERSONNUMMER
    elif country == "NO":
        # Skatteetaten: a D-nummer has the birth day + 40 (first digit 4-7).
        system = NO_D_NUMMER if int(digits[0]) >= 4 else NO_FODSELSNUMMER
    elif country == "DK":
        system = DK_CPR
    elif country == "NL":
        system = NL_BSN
    elif country == "GB-SCT":
        system = SCT_CHI
    else:
        return None
    return {"use": "official", "system": system, "value": digits}


def _instant(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _person_name(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def tessera_system(base: str, name: str) -> str:
    return f"{base}/CodeSystem/{name}"


def patient_resource(patient, base: str) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": [{"use": "usual", "system": f"{base}/patient-id", "value": str(patient.pk)}],
        "active": True,
        "name": [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}],
        "birthDate": _date(patient.date_of_birth),
        "communication": [
            _shared(
                ("patient-language", patient.preferred_language),
                lambda: validation.trusted(
                    Patient,
                    "communication",
                    {
                        "language": {
                            "coding": [
                                {"system": "urn:ietf:bcp:47", "code": patient.preferred_language}
                            ]
                        }
                    },
                ),
            )
        ],
    }
    official = national_identifier(patient.national_id_country, patient.national_id)
    if official:
        resource["identifier"].insert(0, official)
    telecom = []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone, "use": "mobile"})
    if telecom:
        resource["telecom"] = telecom
    gp = ", ".join(part for part in (patient.gp_name, patient.gp_practice) if part)
    if gp:
        resource["generalPractitioner"] = [{"display": gp}]
    return resource


def clinic_reference(clinic, base: str) -> dict:
    return {
        "identifier": {"system": f"{base}/clinic", "value": clinic.slug},
        "display": clinic.name,
    }


def _shared_clinic_reference(clinic, base: str) -> dict:
    return _shared(
        ("clinic", base, clinic.pk, clinic.slug, clinic.name),
        lambda: validation.trusted(
            EpisodeOfCare, "managingOrganization", clinic_reference(clinic, base)
        ),
    )


EPISODE_STATUS = {
    "intake": "planned",
    "waiting": "waitlist",
    "active": "active",
    "ended": "finished",
}


def _episode_start(episode) -> str:
    return _date(episode.started_on) or _instant(episode.created_at)


def episode_of_care(record, base: str) -> dict:
    episode = record.episode
    resource = {
        "resourceType": "EpisodeOfCare",
        "id": str(episode.pk),
        "status": EPISODE_STATUS[episode.status],
        "type": [
            _shared(
                ("care-model", base, episode.care_model, translation.get_language()),
                lambda: validation.trusted(
                    EpisodeOfCare,
                    "type",
                    {
                        "coding": [
                            {
                                "system": tessera_system(base, "care-model"),
                                "code": episode.care_model,
                                "display": choice_label(episode, "care_model"),
                            }
                        ]
                    },
                ),
            )
        ],
        "patient": {"reference": f"Patient/{episode.patient_id}"},
        "managingOrganization": _shared_clinic_reference(episode.clinic, base),
        "period": {"start": _episode_start(episode)},
    }
    if episode.ended_on:
        resource["period"]["end"] = _date(episode.ended_on)
    if episode.therapist_id:
        resource["careManager"] = {"display": _person_name(episode.therapist)}
    if record.diagnoses:
        resource["diagnosis"] = [
            {"condition": {"reference": f"Condition/{condition_id(episode, code)}"}, "rank": rank}
            for rank, code in enumerate(record.diagnoses, start=1)
        ]
    return resource


def condition_id(episode, code: str) -> str:
    return f"dx-{episode.pk}-{code}"


def conditions(record, base: str, *, label=None) -> list[dict]:
    """The working diagnoses the assessor recorded (ICD-10), as provisional Conditions."""
    episode = record.episode
    found = []
    for code in record.diagnoses:
        coding = {"system": ICD10, "code": code}
        if label:
            coding["display"] = label(code)
        condition = {
            "resourceType": "Condition",
            "id": condition_id(episode, code),
            "clinicalStatus": {
                "coding": [
                    {
                        "system": CONDITION_CLINICAL,
                        "code": "resolved" if episode.status == "ended" else "active",
                    }
                ]
            },
            "verificationStatus": {
                "coding": [{"system": CONDITION_VERIFICATION, "code": "provisional"}]
            },
            "category": [
                {"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
            ],
            "code": {"coding": [coding]},
            "subject": {"reference": f"Patient/{episode.patient_id}"},
        }
        if record.assessed_at:
            condition["recordedDate"] = _instant(record.assessed_at)
        found.append(condition)
    return found


def _activity_status(entry, today: dt.date) -> str:
    if entry.removed_at:
        return "cancelled"
    if entry.completed_at:
        return "completed"
    if entry.started_at:
        return "in-progress"
    if entry.unlock_on and entry.unlock_on > today and not entry.unlocked_at:
        return "scheduled"
    return "not-started"


CAREPLAN_STATUS = {"intake": "draft", "waiting": "draft", "active": "active", "ended": "completed"}


def care_plan(record, base: str, *, today: dt.date) -> dict | None:
    """The tailored plan: one activity per module, in order, with its status. Modules
    taken out of the plan are there too, as cancelled. None when the plan is empty."""
    episode = record.episode
    if not record.plan:
        return None
    activities = []
    for entry in record.plan:
        detail = {
            "status": _activity_status(entry, today),
            "code": {
                "coding": [
                    {
                        "system": tessera_system(base, "module"),
                        "code": str(entry.module_version.module_id),
                    }
                ],
                "text": entry.module_version.title,
            },
            "description": entry.module_version.title,
        }
        if entry.unlock_on:
            detail["scheduledPeriod"] = {"start": _date(entry.unlock_on)}
        activities.append({"detail": detail})
    resource = {
        "resourceType": "CarePlan",
        "id": f"plan-{episode.pk}",
        "status": CAREPLAN_STATUS[episode.status],
        "intent": "plan",
        "title": (
            episode.programme_version.title if episode.programme_version_id else "Treatment plan"
        ),
        "subject": {"reference": f"Patient/{episode.patient_id}"},
        "period": {"start": _episode_start(episode)},
        "activity": activities,
    }
    if episode.ended_on:
        resource["period"]["end"] = _date(episode.ended_on)
    if record.diagnoses:
        resource["addresses"] = [
            {"reference": f"Condition/{condition_id(episode, code)}"} for code in record.diagnoses
        ]
    return resource


def measures(record, base: str, *, language: str = "en") -> list[dict]:
    """For every submitted questionnaire: its QuestionnaireResponse and, when it has a
    total, the Observation of the total (LOINC where the instrument has a code)."""
    found = []
    for response in record.responses:
        found += response_resources(response, record.episode.patient_id, base, language=language)
    return found


def response_resources(response, patient_id: int, base: str, *, language: str = "en") -> list:
    """The QuestionnaireResponse of one submitted questionnaire, and the Observation of
    its total when it has one; nothing for an instrument no longer shipped."""
    try:
        definition = load_definition(response.instrument)
    except UnknownInstrumentError:
        return []
    patient_ref = f"Patient/{patient_id}"
    answers = {int(k): v for k, v in response.answers.items()}
    qr_id = f"qr-{response.pk}"
    result = _shared(
        ("score", response.instrument, definition.version, tuple(sorted(answers.items()))),
        lambda: (definition, score(definition, answers)),
    )
    if result[0] is not definition:  # the definitions were loaded again
        result = (definition, score(definition, answers))
    found = [
        questionnaire_response_for(
            definition,
            answers,
            response_id=qr_id,
            patient_ref=patient_ref,
            authored=response.submitted_at,
            base_url=base,
        )
    ]
    observation = total_observation_for(
        definition,
        result[1],
        observation_id=f"total-{response.pk}",
        patient_ref=patient_ref,
        effective=response.submitted_at,
        response_ref=f"QuestionnaireResponse/{qr_id}",
        base_url=base,
        language=language if language in ("en", "sv") else "en",
    )
    if observation is not None:
        found.append(observation)
    return found


ENCOUNTER_STATUS = {
    "booked": "planned",
    "attended": "finished",
    "did_not_attend": "cancelled",
    "cancelled": "cancelled",
}


def encounters(record, base: str) -> list[dict]:
    """Sessions (face to face ambulatory, video and phone virtual) and the assessment."""
    episode = record.episode
    found = []
    if record.assessed_at:
        found.append(
            {
                "resourceType": "Encounter",
                "id": f"assessment-{episode.pk}",
                "status": "finished",
                "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
                "type": [{"text": "Assessment"}],
                "subject": {"reference": f"Patient/{episode.patient_id}"},
                "episodeOfCare": [{"reference": f"EpisodeOfCare/{episode.pk}"}],
                "period": {"start": _instant(record.assessed_at)},
            }
        )
    for appointment in record.appointments:
        virtual = appointment.kind in ("video", "phone")
        start = appointment.starts_at
        encounter = {
            "resourceType": "Encounter",
            "id": f"session-{appointment.pk}",
            "status": ENCOUNTER_STATUS.get(appointment.status, "unknown"),
            "class": (
                {"system": ACT_CODE, "code": "VR", "display": "virtual"}
                if virtual
                else {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
            ),
            "type": [
                {
                    "coding": [
                        {"system": tessera_system(base, "session-kind"), "code": appointment.kind}
                    ],
                    "text": choice_label(appointment, "kind"),
                }
            ],
            "subject": {"reference": f"Patient/{episode.patient_id}"},
            "episodeOfCare": [{"reference": f"EpisodeOfCare/{episode.pk}"}],
            "participant": [{"individual": {"display": _person_name(appointment.therapist)}}],
            "period": {
                "start": _instant(start),
                "end": _instant(start + dt.timedelta(minutes=appointment.minutes)),
            },
            "length": {
                "value": appointment.minutes,
                "unit": "min",
                "system": "http://unitsofmeasure.org",
                "code": "min",
            },
        }
        found.append(encounter)
    return found


def communications(record, base: str) -> list[dict]:
    """One Communication per message: when, and from whom to whom. Its words only when
    the clinic chose to send them."""
    episode = record.episode
    patient_ref = {"reference": f"Patient/{episode.patient_id}"}
    team = _shared(
        ("team", episode.clinic.name),
        lambda: validation.trusted(
            Communication, "sender", {"display": "Care team, " + episode.clinic.name}
        ),
    )
    with_text = shares_message_content(episode.clinic)
    found = []
    for message in record.messages:
        kind = "automated" if message.is_automated else "message"
        communication = {
            "resourceType": "Communication",
            "id": f"message-{message.pk}",
            "status": "completed",
            "category": [
                _shared(
                    ("message-kind", base, kind),
                    lambda kind=kind: validation.trusted(
                        Communication,
                        "category",
                        {
                            "coding": [
                                {"system": tessera_system(base, "message-kind"), "code": kind}
                            ]
                        },
                    ),
                )
            ],
            "subject": patient_ref,
            "sent": _instant(message.sent_at),
            "sender": patient_ref if message.from_patient else team,
            "recipient": [team if message.from_patient else patient_ref],
        }
        if with_text and message.body:
            communication["payload"] = [{"contentString": message.body}]
        found.append(communication)
    return found


def flags(record, base: str) -> list[dict]:
    """Open risk alerts, as safety Flags: severity and where the alert came from."""
    episode = record.episode
    found = []
    for alert in record.open_alerts:
        found.append(
            {
                "resourceType": "Flag",
                "id": f"alert-{alert.pk}",
                "status": "active",
                "category": [{"coding": [{"system": FLAG_CATEGORY, "code": "safety"}]}],
                "code": {
                    "coding": [
                        {
                            "system": tessera_system(base, "risk-alert"),
                            "code": f"{alert.severity}-{alert.source}",
                        }
                    ],
                    "text": f"Open risk alert ({choice_label(alert, 'severity')}): "
                    f"{choice_label(alert, 'source')}",
                },
                "subject": {"reference": f"Patient/{episode.patient_id}"},
                "period": {"start": _instant(alert.opened_at)},
            }
        )
    return found


def letter_identifier(letter, base: str) -> dict:
    """The letter's identifier, the same wherever and however often it is sent."""
    return {"system": f"{base}/letter", "value": str(letter.pk)}


def document_reference(letter, base: str, pdf: bytes) -> dict:
    """A letter with its PDF."""
    resource = {
        "resourceType": "DocumentReference",
        "id": f"letter-{letter.pk}",
        "masterIdentifier": letter_identifier(letter, base),
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [{"system": tessera_system(base, "letter-kind"), "code": letter.kind}],
            "text": choice_label(letter, "kind"),
        },
        "date": _instant(letter.created_at),
        "author": [clinic_reference(letter.clinic, base)],
        "description": f"Letter to {letter.recipient_name}".strip(),
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": letter.language,
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "title": f"letter-{letter.pk}.pdf",
                    "creation": _instant(letter.created_at),
                }
            }
        ],
    }
    if letter.patient_id:
        resource["subject"] = {"reference": f"Patient/{letter.patient_id}"}
    if letter.episode_id:
        resource["context"] = {"related": [{"reference": f"EpisodeOfCare/{letter.episode_id}"}]}
    return resource
