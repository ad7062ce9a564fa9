"""Systems allowed to send referrals to a clinic through the FHIR interface.

Each referring organisation gets its own bearer token. Only a SHA-256 hash of the token
is stored (the token itself is printed once, when issued), with a short prefix so staff
can tell tokens apart and revoke one.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "tsr_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReferrerClient(models.Model):
    clinic = models.ForeignKey("core.Clinic", on_delete=models.CASCADE, related_name="+")
    organisation = models.CharField(_("referring organisation"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.token_prefix}…)"

    @classmethod
    def issue(cls, clinic, organisation: str) -> tuple[ReferrerClient, str]:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        client = cls.objects.create(
            clinic=clinic,
            organisation=organisation,
            token_hash=hash_token(token),
            token_prefix=token[: len(TOKEN_PREFIX) + 6],
        )
        return client, token

    @classmethod
    def for_token(cls, token: str) -> ReferrerClient | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        return (
            cls.objects.select_related("clinic")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )


class ReceivedReferral(models.Model):
    """A referral that arrived through the FHIR interface: which client sent it, under
    which identifier of theirs, and the intake application it became. The same identifier
    from the same client maps to the same application (a resend creates nothing). Its id
    is the ServiceRequest id Tessera answers with."""

    client = models.ForeignKey(ReferrerClient, on_delete=models.PROTECT, related_name="referrals")
    external_id = models.CharField(max_length=100)
    application = models.OneToOneField(
        "intake.Application", on_delete=models.PROTECT, related_name="fhir_receipt"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"], name="one_referral_per_client_identifier"
            )
        ]

    def __str__(self) -> str:
        return f"ServiceRequest/{self.pk}"
