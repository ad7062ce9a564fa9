"""What staff did with an application (an append-only log) and booked assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageAction(models.Model):
    """One thing done to an application: who, what, when and why. Never changed."""

    class Kind(models.TextChoices):
        ASK_INFO = "ask_info", _("Asked for more information")
        BOOK_ASSESSMENT = "book_assessment", _("Booked an assessment")
        DECLINE = "decline", _("Declined")
        REDIRECT = "redirect", _("Referred elsewhere")
        MARK_DUPLICATE = "mark_duplicate", _("Marked as a duplicate")
        MERGE = "merge", _("Merged a duplicate into this application")
        ASSESS = "assess", _("Recorded the assessment")
        ACCEPT = "accept", _("Accepted; treatment started")
        WAIT = "wait", _("Put on the waiting list")
        START = "start", _("Started treatment from the waiting list")

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="triage_actions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(_("why"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The form's key: asking for information sent twice asks once (decision 0070).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


class AssessmentBooking(models.Model):
    """An assessment appointment. The assessment itself (notes, diagnoses, decision)
    attaches to this with the assessment issue."""

    class Mode(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="bookings"
    )
    mode = models.CharField(_("how"), max_length=16, choices=Mode.choices)
    starts_at = models.DateTimeField(_("time"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="intake_assessments",
        verbose_name=_("assessor"),
    )
    where = models.CharField(_("video link or address"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The booking form's key: the form sent twice books once (decision 0070).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.starts_at:%Y-%m-%d %H:%M}"
