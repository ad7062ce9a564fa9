"""A patient's own plan: modules seeded from a programme and tailored by the therapist.

Nothing is ever deleted from a plan: a removed module keeps its row (and the patient's
work in it) with ``removed_at`` set, so switching programme or taking a module out loses
no answer. Every change is a PlanChange row with who, when and why.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tessera.core.id_lists import in_id_runs
from tessera.core.models import episode_clinic_copy

ANSWERS_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class PlanEntryQuerySet(models.QuerySet):
    def current(self) -> PlanEntryQuerySet:
        return self.filter(removed_at__isnull=True)


class PlanEntry(models.Model):
    episode = models.ForeignKey("core.Episode", on_delete=models.CASCADE, related_name="plan")
    module_version = models.ForeignKey(
        "programs.ModuleVersion", on_delete=models.PROTECT, related_name="+"
    )
    programme_version = models.ForeignKey(
        "programs.ProgrammeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField()
    unlock_on = models.DateField(_("opens on"), null=True, blank=True)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the responsible therapist first wrote to the patient after this module was
    # completed and before the next one was: the module then counts as an attended
    # treatment contact in guided and blended care (docs/decisions/0010).
    answered_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    seen_steps = models.JSONField(default=list, blank=True)
    # The clinic of the episode, kept by the database (treatment 0019): the inbox reads
    # its clinics' current plan entries as one range (decision 0064).
    clinic = episode_clinic_copy()

    objects = PlanEntryQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "position", "id"]
        indexes = [
            models.Index(fields=["episode", "removed_at", "position"]),
            # What the inbox's modules waiting to be opened read: the current plan
            # entries of its clinics, by episode and position.
            models.Index(
                fields=["clinic", "episode", "position"],
                condition=models.Q(removed_at__isnull=True),
                name="plan_current_by_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.module_version}"


class PlanChange(models.Model):
    class Kind(models.TextChoices):
        SEEDED = "seeded", _("plan started from a programme")
        ADDED = "added", _("module added")
        REMOVED = "removed", _("module removed")
        MOVED = "moved", _("order changed")
        UNLOCK = "unlock", _("opening date changed")
        OPENED = "opened", _("module opened by the therapist")
        SWITCHED = "switched", _("programme switched")
        VERSION = "version", _("moved to a newer version of a module")
        LANGUAGE = "language", _("modules switched to the patient's language")

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="plan_changes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


class WorksheetAnswerQuerySet(models.QuerySet):
    def of_entries(self, entry_ids) -> WorksheetAnswerQuerySet:
        """The answers of these plan entries (their ids, as the caller read them), by
        runs of consecutive ids: a plan's entries are made together, so its answers are
        one or two ranges of ``worksheet_entry_submitted``, not one descent of the
        index per entry, each a level deeper as the country's answers grow (issue 16,
        decision 0083). The caller gives each answer its entry (no join)."""
        return self.filter(in_id_runs("entry_id", entry_ids))


class WorksheetAnswer(models.Model):
    """A patient's answers to one worksheet or homework step: a draft until submitted."""

    entry = models.ForeignKey(PlanEntry, on_delete=models.CASCADE, related_name="answers")
    step = models.ForeignKey("programs.Step", on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Set when the care team has answered a submitted worksheet (a message quoting it,
    # or marked as seen without a reply); the inbox lists submitted answers without it.
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The clinic of the plan entry's episode, kept by the database (treatment 0018):
    # the reply times read a clinic's answers sent in a week as one range (decision 0064).
    clinic = episode_clinic_copy()

    objects = WorksheetAnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "step"], name="one_answer_per_step")
        ]
        indexes = [
            models.Index(fields=["submitted_at", "feedback_at"]),
            # What the workload's reply times read: the clinic's answers sent in a week
            # (decision 0064), from the index alone but for the plan entry's episode.
            models.Index(
                fields=["clinic", "submitted_at"],
                include=["entry", "feedback_at"],
                condition=models.Q(submitted_at__isnull=False),
                name="worksheet_sent_by_clinic",
            ),
            # What the inbox reads: the clinic's answers waiting for feedback.
            models.Index(
                fields=["clinic"],
                include=["entry", "submitted_at", "step", "id"],
                condition=models.Q(submitted_at__isnull=False, feedback_at__isnull=True),
                name="worksheet_owed_by_clinic",
            ),
            # Reply times and the inbox start from a clinic's or a caseload's plan entries
            # and take their answers sent in a week (or waiting for feedback); without it
            # the week's answers of the whole country are read from the index above and
            # joined to the clinic's episodes (issue 16).
            models.Index(fields=["entry", "submitted_at"], name="worksheet_entry_submitted"),
        ]

    def __str__(self) -> str:
        return f"answers to step {self.step_id}"

    @property
    def version(self) -> str:
        """The answers as the worksheet's form drew them: when they were last saved, in
        microseconds, sent back with each save (as a diary entry's, decision 0161)."""
        return str((self.updated_at - ANSWERS_EPOCH) // dt.timedelta(microseconds=1))
