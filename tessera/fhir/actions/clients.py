"""Registering and revoking the record systems that read through the FHIR API."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource

from tessera.core import audit

from ..models import SystemClient
from ..smart import jwks_url, scopes
from ..smart.assertion import public_keys


def _keys(jwks: dict | None, url: str) -> tuple[dict, str, object]:
    """The registered key set, the JWKS URL and when the set was fetched; a URL is
    fetched once now, so a wrong address or key set is refused at registration."""
    if (jwks is None) == (not url):
        raise ValidationError("give either a JWKS or a JWKS URL")
    fetched_at = None
    try:
        if url:
            jwks_url.check_url(url)
            jwks, fetched_at = jwks_url.fetch(url), timezone.now()
        public_keys(jwks)
    except (ValueError, jwks_url.JWKSUnavailable) as exc:
        raise ValidationError(str(exc)) from exc
    return jwks, url, fetched_at


def _is_resource_type(name: str) -> bool:
    if name == "*":
        return True
    try:
        return issubclass(get_fhir_model_class(name), Resource)
    except ValueError:
        return False


def do_register_system_client(
    *,
    name: str,
    scope: str,
    jwks: dict | None = None,
    jwks_uri: str = "",
    clinic=None,
    region=None,
    acting_user=None,
) -> SystemClient:
    """A new client with its public keys (a JWKS, or the URL where it publishes one),
    scopes and one clinic or one region."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("give the client a name")
    longest = SystemClient._meta.get_field("name").max_length
    if len(name) > longest:  # SQLite would store it whole; PostgreSQL would fail late
        raise ValidationError(f"the name is {len(name)} characters long; at most {longest}")
    if (clinic is None) == (region is None):
        raise ValidationError("limit the client to one clinic or one region")
    jwks, jwks_uri, fetched_at = _keys(jwks, (jwks_uri or "").strip())
    parsed = scopes.parse_all(scope)
    if not parsed or len(parsed) != len(scope.split()):
        raise ValidationError("scopes must be SMART system scopes, e.g. system/*.rs")
    unknown = [str(s) for s in parsed if not _is_resource_type(s.resource)]
    if unknown:  # a misspelt type would grant nothing, silently
        raise ValidationError(f"not a FHIR resource type: {', '.join(unknown)}")
    with transaction.atomic():
        client = SystemClient.objects.create(
            name=name,
            client_id=str(uuid.uuid4()),
            jwks=jwks,
            jwks_uri=jwks_uri,
            jwks_fetched_at=fetched_at,
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
                "jwks_uri": client.jwks_uri,
            },
        )
    return client


def do_revoke_system_client(client: SystemClient, *, acting_user=None) -> SystemClient:
    """The client's tokens stop working at once; its record stays for the audit trail."""
    with transaction.atomic():
        client = SystemClient.objects.select_for_update(no_key=True).get(pk=client.pk)
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
