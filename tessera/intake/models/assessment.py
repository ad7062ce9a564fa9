"""The assessment of an application: notes, working diagnoses, risk and the decision.

One per application. The decision's consequences (episode, waiting list, letters) are
written by ``tessera.intake.decision_actions``; this row is what the assessor recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..diagnoses import label


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept and start treatment now")
    WAIT = "wait", _("Accept to the waiting list")
    DECLINE = "decline", _("Decline")
    REDIRECT = "redirect", _("Refer on elsewhere")


class Assessment(models.Model):
    application = models.OneToOneField(
        "intake.Application", on_delete=models.CASCADE, related_name="assessment"
    )
    booking = models.ForeignKey(
        "intake.AssessmentBooking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("assessment notes"))
    diagnoses = models.JSONField(_("working diagnoses (ICD-10)"), default=list, blank=True)
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices)
    risk_note = models.TextField(_("about the risk"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    programme_version = models.ForeignKey(
        "programs.ProgrammeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    care_model = models.CharField(_("care model"), max_length=16, blank=True)
    assessed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Assessment of {self.application_id}"

    def diagnoses_in_words(self) -> list[str]:
        """Each working diagnosis as its code and label in the active language."""
        return [f"{code} {label(code)}" for code in self.diagnoses]
