"""Registering the record systems that letters are posted to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tessera.core import audit

from ..models import RecordEndpoint


def do_register_record_endpoint(
    *, clinic, organisation: str, base_url: str, token: str = "", acting_user=None
) -> RecordEndpoint:
    """Letters from ``clinic`` to ``organisation`` go to this FHIR base from now on
    (registering the same organisation again replaces its address)."""
    organisation = (organisation or "").strip()
    if not organisation:
        raise ValidationError("name the organisation as letters are addressed to it")
    URLValidator(schemes=["https", "http"])(base_url)
    with transaction.atomic():
        endpoint, _created = RecordEndpoint.objects.update_or_create(
            clinic=clinic,
            organisation=organisation,
            defaults={"base_url": base_url, "token": token, "active": True},
        )
        audit.record(
            "fhir.record_endpoint_registered",
            actor=acting_user,
            clinic=clinic,
            obj=endpoint,
            changes={"organisation": organisation, "base_url": base_url},
        )
    return endpoint
