"""The narrow per-episode outcome table: one row per episode, kept up to date from the
saves that change it (responses, treatment contacts, plan entries, the episode itself;
``receivers.py``), so that a report aggregates this table in the database instead of
reading raw responses. ``outcome_table.refresh`` writes a row; ``rebuild`` writes all
of them from scratch (``manage.py rebuild_outcomes``), and a test checks the two agree.

Every label is the outcome engine's (``tessera.outcomes.rules.classify``), by the NHS
Talking Therapies rules; ``None`` means "not applicable", as an empty cell in the CSV.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EpisodeOutcomeQuerySet(models.QuerySet):
    def finished(self) -> EpisodeOutcomeQuerySet:
        return self.filter(finished=True)


class EpisodeOutcome(models.Model):
    episode = models.OneToOneField(
        "core.Episode", on_delete=models.CASCADE, primary_key=True, related_name="outcome"
    )
    # Copied from the episode and its neighbours, for grouping without joins.
    clinic = models.ForeignKey("core.Clinic", on_delete=models.CASCADE, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16)
    care_model = models.CharField(max_length=16)
    programme_key = models.CharField(max_length=80, blank=True)
    problem_area = models.CharField(max_length=32, blank=True)
    referral_source = models.CharField(max_length=16, blank=True)  # intake's Source, or ""
    area = models.CharField(max_length=8, blank=True)  # postcode area (areas.py), or ""
    opened_on = models.DateField()
    started_on = models.DateField(null=True)
    ended_on = models.DateField(null=True)
    end_reason = models.CharField(max_length=16, blank=True)
    weeks_in_treatment = models.PositiveSmallIntegerField(null=True)  # start to end (or today)
    # What the engine reads.
    dep_instrument = models.CharField(max_length=16, blank=True)
    dep_first = models.FloatField(null=True)
    dep_last = models.FloatField(null=True)
    anx_instrument = models.CharField(max_length=16, blank=True)
    anx_first = models.FloatField(null=True)
    anx_last = models.FloatField(null=True)
    attended_contacts = models.PositiveIntegerField(default=0)
    sessions_attended = models.PositiveIntegerField(default=0)
    modules_completed = models.PositiveIntegerField(default=0)
    # The therapists' time recorded on the course (workload's TimeEntry, every source),
    # kept here by the actions that record time (receivers.py), so that the dashboard's
    # minutes per course and cost are read with the other figures, never from every
    # time entry (decision 0039).
    therapist_seconds = models.BigIntegerField(default=0)
    # Follow-up after the course (the depression measure), where answered.
    dep_follow_up_3 = models.FloatField(null=True)
    dep_follow_up_6 = models.FloatField(null=True)
    dep_follow_up_12 = models.FloatField(null=True)
    # Adverse effects: the number of negative effects reported on the NEQ-20 at the end
    # of the course (its total, 0-20), where it was answered.
    neq_effects = models.PositiveSmallIntegerField(null=True)
    # A questionnaire of the course raised a risk alert (a register's priority flag).
    risk_flagged = models.BooleanField(default=False)
    # What the engine says.
    finished = models.BooleanField(default=False)
    caseness_start = models.BooleanField(null=True)
    recovered = models.BooleanField(null=True)
    reliable_improvement = models.BooleanField(null=True)
    reliable_deterioration = models.BooleanField(null=True)
    reliable_recovery = models.BooleanField(null=True)
    # The clinic's outcome rule (Clinic.outcome_rule) as it applies to this course:
    # "swedish" only where the Swedish rule has a threshold for the programme's primary
    # measure; else "national", and rule_fell_back says the clinic chose the Swedish rule
    # (decision 0025, as letters/outcome.py reads it). The national labels above are
    # kept under either rule; substantially_improved is the Swedish label, over courses
    # with two attended contacts and a first and last primary score.
    outcome_rule = models.CharField(max_length=16, default="national")
    rule_fell_back = models.BooleanField(default=False)
    primary_instrument = models.CharField(max_length=16, blank=True)
    primary_first = models.FloatField(null=True)
    primary_last = models.FloatField(null=True)
    substantially_improved = models.BooleanField(null=True)  # the Swedish 40 %/30 % label
    refreshed_at = models.DateTimeField()

    objects = EpisodeOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("episode outcome")
        indexes = [
            models.Index(fields=["clinic", "ended_on"]),
            models.Index(fields=["therapist", "ended_on"]),
            # A period's report over many clinics (a region, a programme): the courses
            # that ended in it, and the count of those that started in it (from the
            # index alone), read by date before clinic (decision 0031).
            models.Index(fields=["ended_on", "clinic"], name="reports_outcome_ended_clinic"),
            models.Index(fields=["started_on", "clinic"], name="reports_outcome_started_clinic"),
            # One clinic's dashboard (decision 0035): a clinic's courses lie on every
            # page of the table, so its figures are read from these indexes alone.
            models.Index(fields=["clinic", "area"], name="reports_outcome_clinic_area"),
            models.Index(
                fields=["clinic", "ended_on"],
                include=[
                    "episode",
                    "started_on",
                    "programme_key",
                    "modules_completed",
                    "finished",
                    "end_reason",
                    "weeks_in_treatment",
                    "recovered",
                    "substantially_improved",
                    "outcome_rule",
                    "therapist_seconds",
                ],
                name="reports_outcome_dashboard",
            ),
        ]

    def __str__(self) -> str:
        return f"outcome of episode {self.episode_id}"

    @property
    def label_values(self) -> tuple:
        """The labels the per-episode table shows, in its column order."""
        return (
            self.finished,
            self.recovered,
            self.reliable_improvement,
            self.reliable_deterioration,
        )

    # The columns of the engine's CSV and the facts behind them, in the engine's order.
    ENGINE_FIELDS = (
        "dep_instrument",
        "dep_first",
        "dep_last",
        "anx_instrument",
        "anx_first",
        "anx_last",
        "attended_contacts",
    )
    LABEL_FIELDS = (
        "finished",
        "caseness_start",
        "recovered",
        "reliable_improvement",
        "reliable_deterioration",
        "reliable_recovery",
    )


class DashboardCount(models.Model):
    """The implementation dashboard's figures counted per clinic (and per day, quarter or
    key), kept by database triggers on the rows they count (``counts.py``, decision
    0043): a region's dashboard reads a few thousand of these instead of a million
    applications and courses. ``clinic_id`` is not a foreign key: a clinic's rows may
    be counted away after it is gone. The columns after ``n`` are sums whose meaning
    depends on the figure (``counts.figures``)."""

    clinic_id = models.BigIntegerField()
    figure = models.CharField(max_length=20)
    day = models.DateField()
    key = models.CharField(max_length=200, blank=True)
    n = models.BigIntegerField(default=0)
    professional = models.BigIntegerField(default=0)
    finished = models.BigIntegerField(default=0)
    recovered = models.BigIntegerField(default=0)
    improved = models.BigIntegerField(default=0)
    swedish_finished = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    weeks = models.BigIntegerField(default=0)
    modules = models.BigIntegerField(default=0)
    dropped = models.BigIntegerField(default=0)
    dropped_weeks = models.BigIntegerField(default=0)
    dropped_weeks_n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic_id", "figure", "day", "key"], name="reports_count_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.day} {self.key} of clinic {self.clinic_id}"


class QuarterlyReport(models.Model):
    """The quarterly service report of one clinic for one quarter, stored as HTML when
    it is built (by the quarterly task or on demand) and turned into a PDF on download,
    as letters are. Building a quarter again replaces its text."""

    clinic = models.ForeignKey("core.Clinic", on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField(_("quarter starting"))
    html = models.TextField()
    language = models.CharField(max_length=10, default="en")  # the language of ``html``
    built_at = models.DateTimeField()
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-quarter_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "quarter_start"], name="one_quarterly_report_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} {quarter_label(self.quarter_start)}"

    @property
    def label(self) -> str:
        return quarter_label(self.quarter_start)


def quarter_label(start) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def _new_key() -> str:
    import secrets

    return secrets.token_hex(32)


class Register(models.Model):
    """A quality register Tessera exports to: its profile (a data file in
    ``register/profiles/``) and its own pseudonymisation key, never shown."""

    name = models.SlugField(_("name"), unique=True)
    profile = models.CharField(_("profile"), max_length=64)
    version = models.PositiveSmallIntegerField(_("profile version"))
    key = models.CharField(max_length=64, default=_new_key, editable=False)

    def __str__(self) -> str:
        return self.name


class RegisterExportQuerySet(models.QuerySet):
    def listed(self, *, clinic=None, region=None, limit: int = 20) -> RegisterExportQuerySet:
        """The exports a clinic's or a region's register page lists (newest first, the
        files' text left unread): those made for that clinic, or for that region."""
        if (clinic is None) == (region is None):
            raise ValueError("list the exports of a clinic or of a region")
        made_for = {"clinic": clinic} if clinic is not None else {"region": region}
        return (self.filter(**made_for).select_related("register", "created_by").defer("content"))[
            :limit
        ]


class RegisterExport(models.Model):
    """One export file: the rows that were new or changed since the last export."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="exports")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    content = models.TextField()
    # Made from a clinic's page for that clinic alone (None: the command, every clinic).
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Made from a region's page for the region's clinics (only its administrators see it).
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)

    objects = RegisterExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]


class RegisterRow(models.Model):
    """What was last sent to a register for one episode (a digest of its row), so that an
    export sends only what is new or changed: running it twice sends nothing twice."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    episode_id = models.BigIntegerField()
    digest = models.CharField(max_length=64)
    export = models.ForeignKey(RegisterExport, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "episode_id"], name="one_row_per_episode")
        ]


class ClinicCosts(models.Model):
    """What the clinic's manager enters so that the dashboard can show cost per started,
    finished and recovered patient."""

    clinic = models.OneToOneField(
        "core.Clinic", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    per_therapist_hour = models.DecimalField(
        _("cost per therapist hour"), max_digits=9, decimal_places=2
    )
    fixed_per_month = models.DecimalField(
        _("fixed costs per month"), max_digits=11, decimal_places=2
    )
    updated_at = models.DateTimeField(auto_now=True)


class RegisterExportJob(models.Model):
    """A clinic's or a region's register export run on the task worker
    (``tasks.run_register_export``), too large to export within a request: its progress
    is saved as it reads the courses, and its export (``RegisterExport``) is downloaded
    when it is done. Its address is a random id; nothing clinical is in it. Exactly one
    of ``clinic`` and ``region`` is set."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    profile = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    # The clinics the export covers and each one's outcome rule (Clinic.outcome_rule),
    # as they were when it was queued: {"<clinic id>": "<rule>"} (decision 0031). The
    # job exports these clinics and no other; it is refused if one has left the region
    # or changed its rule since. None: queued before this was recorded (the region's
    # clinics as they are when it runs).
    clinics = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    courses_total = models.PositiveIntegerField(default=0)
    courses_done = models.PositiveIntegerField(default=0)
    export = models.ForeignKey(
        RegisterExport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clinic__isnull=False, region__isnull=True)
                | models.Q(clinic__isnull=True, region__isnull=False),
                name="register_job_for_a_clinic_or_a_region",
            )
        ]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.courses_total:
            return 0
        return min(99, 100 * self.courses_done // self.courses_total)
