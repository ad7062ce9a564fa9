"""Risk alerts: a positive risk answer or a concern raised by staff, until resolved.

An alert is open until someone acknowledges it; it must be acknowledged by
``acknowledge_by`` or it escalates (``escalation_level`` 1 = supervisor, 2 = clinic
manager). It can only be resolved with a recorded action.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RiskAlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskAlertQuerySet:
        from tessera.core.access import episode_scope
        from tessera.treatment.models import Episode

        return self.filter(episode__in=Episode.objects.filter(episode_scope(user)).values("pk"))

    def unresolved(self) -> RiskAlertQuerySet:
        return self.filter(resolved_at__isnull=True)


class RiskAlert(models.Model):
    class Severity(models.TextChoices):
        HIGH = "high", _("high")
        MODERATE = "moderate", _("moderate")

    class Source(models.TextChoices):
        RESPONSE = "response", _("risk answer in a questionnaire")
        CONCERN = "concern", _("concern raised by staff")

    class Action(models.TextChoices):
        PHONED = "phoned", _("phoned the patient")
        ASSESSED = "assessed", _("risk assessment done")
        EMERGENCY = "emergency", _("referred to emergency care")
        NO_ACTION = "none", _("no action, with reason")

    episode = models.ForeignKey(
        "treatment.Episode", on_delete=models.CASCADE, related_name="risk_alerts"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    response = models.ForeignKey(
        "treatment.Response", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_codes = models.JSONField(default=list, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concern = models.TextField(_("what worries you"), blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledge_by = models.DateTimeField()
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action taken"), max_length=16, choices=Action.choices, blank=True)
    action_note = models.TextField(_("what was done"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "acknowledge_by"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | ~models.Q(action=""),
                name="resolved_alert_has_action",
            )
        ]

    def __str__(self) -> str:
        return f"risk alert {self.pk} ({self.severity})"
