"""Issuing and revoking the bearer tokens with which referring organisations POST
ServiceRequests (``tessera.fhir.models.ReferrerClient``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tessera.core import audit

from ..models import ReferrerClient


@transaction.atomic
def do_issue_referrer_token(clinic, organisation: str, *, acting_user=None):
    """A new token for ``organisation`` at ``clinic``: (the client, the token, shown once).
    The token and its audit row are written together, or neither is."""
    organisation = " ".join((organisation or "").split())
    longest = ReferrerClient._meta.get_field("organisation").max_length
    if not organisation or len(organisation) > longest:
        raise ValidationError(
            f"Name the organisation the token is for, in at most {longest} characters."
        )
    client, token = ReferrerClient.issue(clinic, organisation)
    audit.record(
        "referrer_token.issued",
        actor=acting_user,
        clinic=clinic,
        obj=client,
        purpose="administration",
        changes={"organisation": client.organisation, "prefix": client.token_prefix},
    )
    return client, token


@transaction.atomic
def do_revoke_referrer_token(client: ReferrerClient, *, acting_user=None) -> ReferrerClient:
    """The token stops working now. Revoking one revoked already changes nothing and is
    not recorded twice (two operators, or the command run again)."""
    client = ReferrerClient.objects.select_for_update(no_key=True).get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit.record(
        "referrer_token.revoked",
        actor=acting_user,
        clinic=client.clinic,
        obj=client,
        purpose="administration",
        changes={"prefix": client.token_prefix},
    )
    return client
