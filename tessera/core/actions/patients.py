"""Writes of patients: creating and updating details, and recording a read of them."""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict

from .. import access, audit, languages
from ..drawn import Drawn, refuse_if_changed
from ..models import Clinic, Patient
from .clinics import _describe_changes

PATIENT_DETAIL_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "national_id_country",
    "national_id",
    "email",
    "phone",
    "address",
    "preferred_language",
    "gp_name",
    "gp_practice",
    "gp_phone",
    "gp_email",
    "letters_to_gp",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
]


@transaction.atomic
def do_create_patient(*, acting_user=None, clinic: Clinic | None = None, user=None, **fields):
    patient = Patient(user=user, **fields)
    patient.full_clean()
    patient.save()
    audit.record(
        "patient.created",
        actor=acting_user,
        clinic=clinic,
        patient=patient,
        obj=patient,
        purpose="intake",
        actor_role=access.actor_role_label(acting_user, clinic.pk if clinic else None),
    )
    return patient


@transaction.atomic
def do_update_patient_details(
    patient: Patient, *, acting_user, clinic=None, drawn: Drawn | None = None, **fields
) -> Patient:
    """``drawn``: what the form was drawn with; compared under the patient's row lock,
    so a colleague's save at the same moment is refused, not saved over (0152)."""
    unknown = set(fields) - set(PATIENT_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not patient detail fields: {sorted(unknown)}")
    refuse_if_changed(
        Patient.objects.select_for_update(no_key=True).get(pk=patient.pk), drawn, fields
    )
    before = model_to_dict(patient, fields=list(fields))
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    own = patient.user_id == acting_user.pk
    audit.record(
        "patient.details_changed",
        actor=acting_user,
        clinic=clinic,
        patient=patient,
        obj=patient,
        purpose="self" if own else "care",
        actor_role=access.actor_role_label(acting_user, clinic.pk if clinic else None),
        changes=_describe_changes(before, model_to_dict(patient, fields=list(fields))),
    )
    if (
        "preferred_language" in fields
        and before["preferred_language"] != patient.preferred_language
    ):
        languages.patient_language_changed.send(
            sender=Patient,
            patient=patient,
            before=before["preferred_language"],
            after=patient.preferred_language,
            acting_user=acting_user,
        )
    return patient


def record_patient_read(user, patient: Patient, what: str, *, obj=None, purpose=None, clinic=None):
    """Audit one read of a patient's data (called by views after the access check)."""
    own = patient.user_id == getattr(user, "pk", None)
    return audit.record(
        f"{what}.viewed",
        actor=user,
        clinic=clinic,
        patient=patient,
        obj=obj or patient,
        # A read made only through a consultation grant is for "consultation".
        purpose=purpose
        or ("self" if own else None)
        or access.read_purpose(user, patient, clinic.pk if clinic else None, episode=obj)
        or "care",
        actor_role=access.actor_role_label(user, clinic.pk if clinic else None),
    )
