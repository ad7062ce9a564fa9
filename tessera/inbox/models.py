"""Clinical notes: what the care team writes down about an episode. Never edited, only
added (a correction is a new note), and every note is audited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_NOTE = 10_000


class ClinicalNote(models.Model):
    episode = models.ForeignKey(
        "core.Episode", on_delete=models.PROTECT, related_name="clinical_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=MAX_NOTE)
    created_at = models.DateTimeField(default=timezone.now)
    # The note form's key: the form sent twice adds one note (decision 0070).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["episode", "created_at"])]

    def __str__(self) -> str:
        return f"note {self.pk} in episode {self.episode_id}"
