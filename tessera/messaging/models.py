"""A conversation per episode between the patient and their care team.

One conversation per episode keeps everything the patient and the team said in one
place. A message from the patient waits for a reply until the care team writes in the
same episode (``answered_at``); the inbox lists the ones still waiting. Feedback on a
worksheet is a message that quotes the answer (``quoted_answer``) and marks it answered.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core.access import episode_scope
from tessera.core.models import Episode, episode_clinic_copy


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> MessageQuerySet:
        return self.filter(episode__in=_episodes(user, episode_scope))

    def awaiting_reply(self) -> MessageQuerySet:
        return self.filter(from_patient=True, answered_at__isnull=True)


def _episodes(user, scope):
    return Episode.objects.filter(scope(user)).values("pk")


class Message(models.Model):
    episode = models.ForeignKey("core.Episode", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for automated messages."),
    )
    from_patient = models.BooleanField(default=False)
    is_automated = models.BooleanField(_("sent automatically"), default=False)
    body = models.TextField(_("message"))
    quoted_answer = models.ForeignKey(
        "treatment.WorksheetAnswer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_messages",
    )
    quoted_text = models.TextField(_("quoted words"), blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(unique=True)
    # The episode's clinic, kept by the database (messaging 0004, decision 0053): a
    # team's waiting messages are one range of the clinic's index, not one index
    # descent per episode, which grew a level deeper as the country grew (issue 16).
    clinic = episode_clinic_copy()

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["episode", "sent_at"]),
            models.Index(fields=["from_patient", "answered_at"]),
            # A caseload's messages waiting for a reply (the inbox and the staff home,
            # issue 16): only the waiting ones, by episode, so a team's count reads no
            # answered message and never the country's waiting ones.
            models.Index(
                fields=["episode", "sent_at"],
                condition=models.Q(from_patient=True, answered_at__isnull=True),
                name="message_waiting_by_episode",
            ),
            # The same rows by clinic, with what a team's count tests (decision 0053)
            # and what the inbox's row of the oldest one shows (decision 0057).
            models.Index(
                fields=["clinic"],
                include=["episode", "is_automated", "sent_at", "id"],
                condition=models.Q(from_patient=True, answered_at__isnull=True),
                name="message_waiting_by_clinic",
            ),
            # A clinic's messages from patients by the time they came (the team's reply
            # times, workload's figures, decision 0058): one range of the clinic's week,
            # read from the index alone, not one descent per episode of the clinic.
            models.Index(
                fields=["clinic", "sent_at"],
                include=["episode", "answered_at"],
                condition=models.Q(from_patient=True, is_automated=False),
                name="message_from_patient_by_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in episode {self.episode_id}"


class MessageRead(models.Model):
    """A read receipt: who opened a message, when (first time only)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_receipt_per_reader")
        ]


class MessageDraft(models.Model):
    """What someone is writing in an episode's conversation, saved while they type."""

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="message_drafts"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    quoted_answer = models.ForeignKey(
        "treatment.WorksheetAnswer", on_delete=models.SET_NULL, null=True, blank=True
    )
    quoted_text = models.TextField(blank=True)
    submission_key = models.UUIDField(default=uuid.uuid4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "author"], name="one_draft_per_author")
        ]
