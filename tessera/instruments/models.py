"""Questionnaire wording a clinic enters under its own licence (README.md, "Wording
entered by a clinic"). The definitions themselves stay JSON files read by ``scoring``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tessera.core.models.organisation import LANGUAGE_CHOICES


class ClinicWording(models.Model):
    """One clinic's validated wording of one instrument in one language.

    Only the texts the definition does not ship are kept: shipped wording is never
    replaced (see ``wording.wording_for``). Keys are strings, as JSON needs:
    ``items`` {"<item number>": text}, ``options`` {"<value>": label} for the default
    answer set, ``item_options`` {"<item number>": {"<value>": label}} for items with an
    answer set of their own (AUDIT, PHQ-9 question 10)."""

    clinic = models.ForeignKey(
        "core.Clinic",
        on_delete=models.CASCADE,
        related_name="instrument_wordings",
        verbose_name=_("clinic"),
    )
    instrument = models.CharField(_("questionnaire"), max_length=32)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    instructions = models.TextField(_("instructions"), blank=True)
    recall_period = models.CharField(_("recall period"), max_length=200, blank=True)
    items = models.JSONField(_("wording of the questions"), default=dict, blank=True)
    options = models.JSONField(_("answer labels"), default=dict, blank=True)
    item_options = models.JSONField(
        _("answer labels of single questions"), default=dict, blank=True
    )
    source_note = models.TextField(
        _("source and licence"),
        help_text=_("Where the validated wording comes from, and the licence the clinic holds."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["clinic", "instrument", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "instrument", "language"],
                name="one_wording_per_instrument_and_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} ({self.language})"
