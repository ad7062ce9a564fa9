"""Registering and revoking the record systems that read through the FHIR API."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tessera.core import audit

from ..models import SystemClient
from ..smart import scopes
from ..smart.assertion import public_keys


def do_register_system_client(
    *, name: str, jwks: dict, scope: str, clinic=None, region=None, acting_user=None
) -> SystemClient:
    """A new client with its public keys, scopes and one clinic or one region."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("give the client a name")
    if (clinic is None) == (region is None):
        raise ValidationError("limit the client to one clinic or one region")
    try:
        public_keys(jwks)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    parsed = scopes.parse_all(scope)
    if not parsed or len(parsed) != len(scope.split()):
        raise ValidationError("scopes must be SMART system scopes, e.g. system/*.rs")
    with transaction.atomic():
        client = SystemClient.objects.create(
            name=name,
            client_id=str(uuid.uuid4()),
            jwks=jwks,
            scopes=scopes.text(parsed),
            clinic=clinic,
            region=region,
        )
        audit.record(
            "fhir.client_registered",
            actor=acting_user,
            clinic=clinic,
            obj=client,
            changes={
                "client": client.name,
                "client_id": client.client_id,
                "scope": client.scopes,
                "limit": client.limit,
            },
        )
    return client


def do_revoke_system_client(client: SystemClient, *, acting_user=None) -> SystemClient:
    """The client's tokens stop working at once; its record stays for the audit trail."""
    with transaction.atomic():
        client = SystemClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            client.tokens.all().delete()
            audit.record(
                "fhir.client_revoked",
                actor=acting_user,
                clinic=client.clinic,
                obj=client,
                changes={"client": client.name, "client_id": client.client_id},
            )
    return client
