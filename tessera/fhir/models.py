"""Systems allowed to send referrals to a clinic through the FHIR interface.

Each referring organisation gets its own bearer token. Only a SHA-256 hash of the token
is stored (the token itself is printed once, when issued), with a short prefix so staff
can tell tokens apart and revoke one.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

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


# --- SMART Backend Services: systems that read records through the FHIR API ---------

ACCESS_TOKEN_PREFIX = "tsa_"


class SystemClient(models.Model):
    """A record system allowed to read through the FHIR API (SMART Backend Services).

    It proves who it is with a JWT signed by a private key whose public half is in
    ``jwks``, or published at its ``jwks_uri`` (then ``jwks`` caches the set fetched at
    ``jwks_fetched_at``); it may read only what its ``scopes`` allow, and only the episodes of one
    clinic or of one region (exactly one of the two is set)."""

    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(max_length=64, unique=True)
    jwks = models.JSONField(default=dict, blank=True)
    jwks_uri = models.URLField(max_length=500, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=1000)
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(clinic__isnull=False, region__isnull=True)
                    | models.Q(clinic__isnull=True, region__isnull=False)
                ),
                name="system_client_one_clinic_or_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def limit(self) -> str:
        return f"clinic {self.clinic.slug}" if self.clinic_id else f"region {self.region.name}"


class RecordSharing(models.Model):
    """What a clinic lets its episodes' FHIR records carry beyond the defaults. Without a
    row, or with ``message_content`` off, messages leave as Communication metadata only
    (who, when); with it on, each Communication also carries the message's text."""

    clinic = models.OneToOneField(
        "core.Clinic", on_delete=models.CASCADE, related_name="record_sharing"
    )
    message_content = models.BooleanField(
        _("message text in the exported record"),
        default=False,
        help_text=_(
            "When on, the episode's FHIR record (downloads, the read API and bulk exports) "
            "carries the text of every message. Off, it shows only who wrote and when."
        ),
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"record sharing of clinic {self.clinic_id}"


def shares_message_content(clinic) -> bool:
    """Whether the clinic's records carry message text (off unless the clinic chose it);
    reads ``clinic.record_sharing``, so select it with the clinic to spare a query."""
    try:
        return clinic.record_sharing.message_content
    except RecordSharing.DoesNotExist:
        return False


class UsedAssertion(models.Model):
    """A client assertion's ``jti``, kept until the assertion expires: the same assertion
    is never accepted twice."""

    client = models.ForeignKey(SystemClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="one_use_per_assertion")
        ]


class AccessToken(models.Model):
    """A short-lived access token given for a valid assertion; only its hash is kept."""

    client = models.ForeignKey(SystemClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    @classmethod
    def issue(cls, client: SystemClient, scopes: str, lifetime) -> tuple[AccessToken, str]:
        token = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        row = cls.objects.create(
            client=client,
            token_hash=hash_token(token),
            scopes=scopes,
            created_at=now,
            expires_at=now + lifetime,
        )
        return row, token

    @classmethod
    def valid(cls, token: str, *, with_clinic: bool = False) -> AccessToken | None:
        """The unexpired token of a client not revoked, with its client; the client's
        clinic too when asked for (the bulk export names it in every audit row). The
        read API does not: joining the clinic (and the region, read by no one) made the
        planner scan the clinics' table and hash it on every request (the lookup 4 -> 6
        pages at 1k -> 100k patients, 2 -> 2 without; issue 16, decision 0090). Its
        refusals, which name the clinic in the audit row, read it by key."""
        if not token.startswith(ACCESS_TOKEN_PREFIX):
            return None
        return (
            cls.objects.select_related("client__clinic" if with_clinic else "client")
            .filter(
                token_hash=hash_token(token),
                expires_at__gt=timezone.now(),
                client__revoked_at__isnull=True,
            )
            .first()
        )


# --- Bulk Data export -----------------------------------------------------------------


class ExportJob(models.Model):
    """One Bulk Data export (``$export``): asked by a client, built by the task worker
    in batches, its NDJSON files kept until ``expires_at``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(SystemClient, on_delete=models.CASCADE, related_name="exports")
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # set for Group/{clinic slug}/$export
    types = models.JSONField(default=list)
    since = models.DateTimeField(null=True, blank=True)
    request_url = models.URLField(max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    episodes_total = models.PositiveIntegerField(default=0)
    episodes_done = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    transaction_time = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"


class ExportPart(models.Model):
    """One part of an export: the patients with ``after_patient < id <= last_patient``.

    Task workers claim parts one at a time (``SELECT ... FOR UPDATE SKIP LOCKED`` on
    PostgreSQL, then a compare-and-set on ``claim``); the claim's holder writes the part's
    files into a folder of its own and moves them into place when the part is done, so a
    part whose worker died (no heartbeat for ``TESSERA_FHIR_EXPORT_PART_STALE_SECONDS``)
    is taken again and rewritten whole: no line twice, none missing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()
    after_patient = models.BigIntegerField()
    last_patient = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    claim = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    episodes_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # resource type -> lines written

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="one_part_number_per_export")
        ]

    def __str__(self) -> str:
        return f"export {self.job_id} part {self.number} ({self.status})"


class ExportFile(models.Model):
    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["resource_type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["job", "name"], name="one_file_name_per_export")
        ]


# --- Letters to the record ---------------------------------------------------------------


class RecordEndpoint(models.Model):
    """A recipient's record system that takes letters as FHIR DocumentReferences: letters
    to ``organisation`` (as written on the letter) from ``clinic`` are posted to
    ``base_url``."""

    clinic = models.ForeignKey("core.Clinic", on_delete=models.CASCADE, related_name="+")
    organisation = models.CharField(_("organisation"), max_length=200)
    base_url = models.URLField(max_length=500)
    token = models.CharField(max_length=500, blank=True)  # bearer token the endpoint wants
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "organisation"], name="one_endpoint_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.base_url})"


class LetterDelivery(models.Model):
    """One letter's way to the recipient's record: at most one per letter, so it is
    never sent twice; retried with backoff, and left to print when it cannot go."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent to the record")
        SENT = "sent", _("delivered to the record")
        FAILED = "failed", _("not delivered: print and post it")

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.CASCADE, related_name="record_delivery"
    )
    endpoint = models.ForeignKey(RecordEndpoint, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
