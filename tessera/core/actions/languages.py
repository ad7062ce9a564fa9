"""Writes of a person's interface language."""

from __future__ import annotations

from django.db import transaction

from .. import audit
from ..languages import supported
from .patients import do_update_patient_details


@transaction.atomic
def do_set_language(user, language: str, *, acting_user) -> None:
    """Store the language a person uses Tessera in: a patient's on their record (it is
    also the language of their e-mails and SMS), a staff member's on their login."""
    if supported(language) is None:
        raise ValueError(f"Not an interface language: {language!r}")
    patient = user.patient_record
    if patient is not None:
        if patient.preferred_language != language:
            do_update_patient_details(patient, acting_user=acting_user, preferred_language=language)
        return
    if user.language == language:
        return
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        "account.language_changed",
        actor=acting_user,
        obj=user,
        purpose="administration",
        changes={"language": [before, language]},
    )
