"""Screening answers: one scored questionnaire per instrument of an application."""

from __future__ import annotations

from django.db import models


class ScreeningAnswer(models.Model):
    """Scored with tessera.instruments at once, on the instrument version answered."""

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="screening_answers"
    )
    instrument = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=32)
    language = models.CharField(max_length=5)
    answers = models.JSONField()
    total = models.IntegerField(null=True)
    band = models.CharField(max_length=32, blank=True)
    result = models.JSONField(default=dict)
    risk_flagged = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "instrument"], name="one_answer_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total}"
