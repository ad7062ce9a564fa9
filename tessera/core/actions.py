"""Every write that matters to organisation and patient records.

Each action is atomic and leaves an audit row in the same transaction. Views, commands
and tests call these; nothing else saves these models.
"""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict

from . import access, audit
from .models import Clinic, ClinicRole, CrisisContact, Patient, Region, RegionAdministrator, User

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
# Audit rows name the fields that changed; values of identifying fields are not copied.
_VALUE_FREE_FIELDS = {"national_id", "address", "phone", "email", "date_of_birth"}


def _describe_changes(before: dict, after: dict) -> dict:
    changed = audit.changed_fields(before, after)
    return {
        field: (values if field not in _VALUE_FREE_FIELDS else "changed")
        for field, values in changed.items()
    }


@transaction.atomic
def do_create_region(*, name: str, country: str, acting_user=None, is_national=False) -> Region:
    region = Region.objects.create(name=name, country=country, is_national=is_national)
    audit.record("region.created", actor=acting_user, obj=region, purpose="administration")
    return region


@transaction.atomic
def do_create_clinic(*, region: Region, acting_user=None, crisis_contacts=(), **fields) -> Clinic:
    clinic = Clinic(region=region, **fields)
    clinic.full_clean()
    clinic.save()
    for position, contact in enumerate(crisis_contacts):
        CrisisContact.objects.create(clinic=clinic, position=position, **contact)
    audit.record(
        "clinic.created", actor=acting_user, clinic=clinic, obj=clinic, purpose="administration"
    )
    return clinic


@transaction.atomic
def do_update_clinic_settings(clinic: Clinic, *, acting_user, **fields) -> Clinic:
    before = {k: str(v) for k, v in model_to_dict(clinic, fields=list(fields)).items()}
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save()
    audit.record(
        "clinic.settings_changed",
        actor=acting_user,
        clinic=clinic,
        obj=clinic,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes=audit.changed_fields(before, {k: str(v) for k, v in fields.items()}),
    )
    return clinic


@transaction.atomic
def do_add_crisis_contact(clinic: Clinic, *, acting_user, **fields) -> CrisisContact:
    position = clinic.crisis_contacts.count()
    contact = CrisisContact(clinic=clinic, position=position, **fields)
    contact.full_clean()
    contact.save()
    audit.record(
        "clinic.crisis_contact_added",
        actor=acting_user,
        clinic=clinic,
        obj=contact,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"label": contact.label, "phone": contact.phone, "language": contact.language},
    )
    return contact


@transaction.atomic
def do_remove_crisis_contact(contact: CrisisContact, *, acting_user) -> None:
    audit.record(
        "clinic.crisis_contact_removed",
        actor=acting_user,
        clinic=contact.clinic,
        obj=contact,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, contact.clinic_id),
        changes={"label": contact.label, "phone": contact.phone},
    )
    contact.delete()


@transaction.atomic
def do_grant_role(
    user: User, clinic: Clinic, role: str, *, acting_user=None, **extra
) -> ClinicRole:
    grant, created = ClinicRole.objects.get_or_create(
        user=user, clinic=clinic, role=role, defaults=extra
    )
    if created:
        audit.record(
            "staff.role_granted",
            actor=acting_user,
            clinic=clinic,
            obj=grant,
            purpose="administration",
            changes={"user": user.pk, "role": role},
        )
    return grant


@transaction.atomic
def do_make_region_admin(user: User, region: Region, *, acting_user=None) -> RegionAdministrator:
    row, created = RegionAdministrator.objects.get_or_create(user=user, region=region)
    if created:
        audit.record(
            "region.admin_granted",
            actor=acting_user,
            obj=row,
            purpose="administration",
            changes={"user": user.pk, "region": region.pk},
        )
    return row


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
def do_update_patient_details(patient: Patient, *, acting_user, clinic=None, **fields) -> Patient:
    unknown = set(fields) - set(PATIENT_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not patient detail fields: {sorted(unknown)}")
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
        or access.read_purpose(user, patient, clinic.pk if clinic else None)
        or "care",
        actor_role=access.actor_role_label(user, clinic.pk if clinic else None),
    )
