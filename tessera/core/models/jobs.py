"""A record of each run of a periodic job (the automation sweep), so that a job that
stopped running is seen (``tessera.core.jobs``; /healthz, the risk alert list)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobRun(models.Model):
    job = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)  # None while running
    summary = models.CharField(max_length=300, blank=True)  # counts only, nothing clinical

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M} ({self.ok})"
