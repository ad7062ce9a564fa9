"""What the automation has sent: one row per episode and point, unique in the database.

A point is ``welcome``, ``module:<plan entry id>`` (after a completed module),
``inactive:<date of the last activity>`` (one per stretch of inactivity) or
``before_end``. The row is written in the same transaction as the message, so a point
can never be sent twice, whatever runs the sweep and however often.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AutomatedSend(models.Model):
    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="automated_sends"
    )
    point = models.CharField(max_length=64)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "point"], name="one_automated_send_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} in episode {self.episode_id}"
