"""Feedback templates, practice worksheets of training patients and practice replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.models.organisation import LANGUAGE_CHOICES

from .placeholders import check_placeholders

# The practice patients' languages (actions/practice.py has worksheets in these).
LANGUAGES = [("en", "English"), ("sv", "Svenska")]


class FeedbackTemplateQuerySet(models.QuerySet):
    def usable_by(self, user) -> FeedbackTemplateQuerySet:
        """The user's own templates and the shared ones of their clinics."""
        if not access.may_use_feedback_templates(user):
            return self.none()
        clinics = access.feedback_template_clinic_ids(user)
        return self.filter(Q(owner=user) | Q(clinic_id__in=clinics))


class FeedbackTemplate(models.Model):
    """A reply a therapist starts from: personal (owner) or shared at a clinic."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_templates",
    )
    clinic = models.ForeignKey(
        "core.Clinic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_templates",
    )
    title = models.CharField(_("title"), max_length=120)
    # Any language a patient may read (a template in the patient's is offered first).
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="en")
    body = models.TextField(
        _("text"),
        max_length=5000,
        validators=[check_placeholders],
        help_text=_(
            "You can use {name} (the patient's first name), {module} (the module's title) "
            "and {quote} (the patient's own words from the worksheet)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, clinic__isnull=True)
                | Q(owner__isnull=True, clinic__isnull=False),
                name="feedback_template_owner_or_clinic",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.clinic_id is not None


class PracticeWorksheet(models.Model):
    """A made-up, submitted worksheet of a training patient, to practise feedback on.
    Kept apart from real WorksheetAnswers so no inbox or report ever counts it."""

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="practice_worksheets"
    )
    position = models.PositiveSmallIntegerField()
    module_title = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    # [{"label": ..., "value": ...}] in the order the patient filled them in.
    items = models.JSONField(default=list)
    has_next_task = models.BooleanField(default=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="one_practice_per_slot")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def values(self) -> dict:
        return {item["label"]: item["value"] for item in self.items}


class PracticeReply(models.Model):
    """A therapist's practice reply to a practice worksheet; never a real Message."""

    worksheet = models.ForeignKey(
        PracticeWorksheet, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_replies"
    )
    body = models.TextField(_("your reply"), max_length=10000)
    unmet = models.JSONField(default=list, blank=True)  # remark codes not met when saved
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"practice reply {self.pk}"
