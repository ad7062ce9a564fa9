"""Applicants writing to the clinic before they are accepted (issue 14): a conversation
attached to the application, between the applicant and the clinic's intake team."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationMessageQuerySet(models.QuerySet):
    def unread_by_clinic(self) -> ApplicationMessageQuerySet:
        return self.filter(from_clinic=False, read_at__isnull=True)

    def unread_by_applicant(self) -> ApplicationMessageQuerySet:
        return self.filter(from_clinic=True, read_at__isnull=True)


class ApplicationMessage(models.Model):
    """One message, from the applicant or from the intake team; never changed once sent.
    ``read_at``: when the other side first opened the conversation after it."""

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_clinic = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4)
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # The application's clinic, kept by the database (intake 0011's triggers, never
    # written by the code): the triage queue reads its clinics' unread messages as one
    # range, not the country's (decision 0069).
    clinic = models.ForeignKey(
        "core.Clinic",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    objects = ApplicationMessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["application", "from_clinic", "read_at"]),
            # The applicants' messages nobody at the clinic has read, by clinic: the
            # triage queue's notice and its "has written" filter (decision 0069).
            models.Index(
                fields=["clinic"],
                include=["application"],
                condition=models.Q(from_clinic=False, read_at__isnull=True),
                name="application_unread_by_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} on application {self.application_id}"
