"""Measurement: which questionnaires are due when, drafts, and submitted responses."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core.access import episode_scope, through
from tessera.core.models import Clinic, episode_clinic_copy
from tessera.instruments.time_points import TimePoint


class MeasureRuleQuerySet(models.QuerySet):
    def of_clinic_schedule(self, clinic) -> MeasureRuleQuerySet:
        """A clinic's own schedule, in the model's order within one clinic (when, then
        which questionnaire), without naming the clinic in the order: ``clinic`` in
        ``ordering`` sorts by the clinic's name and so joins the clinics table, which
        the planner reads whole (one row per thousand patients) for one clinic's rows
        (issue 16)."""
        return self.filter(clinic=clinic, programme_key="").order_by("time_point", "instrument")


class MeasureRule(models.Model):
    """One line of a measurement schedule: an instrument at a time point.

    Schedules belong to a clinic today; programmes add their own with the programmes
    issue (the ``programme_key`` column is kept free for that)."""

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, related_name="measure_rules"
    )
    programme_key = models.CharField(max_length=64, blank=True)
    instrument = models.CharField(_("questionnaire"), max_length=32)
    time_point = models.CharField(_("when"), max_length=16, choices=TimePoint.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("every (days)"), null=True, blank=True, help_text=_("Only for a custom interval.")
    )
    open_days_before = models.PositiveSmallIntegerField(_("opens days before"), default=2)
    expire_days_after = models.PositiveSmallIntegerField(_("expires days after"), default=7)

    objects = MeasureRuleQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "time_point", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "programme_key", "instrument", "time_point"],
                name="one_rule_per_instrument_and_time_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} · {self.get_time_point_display()}"


def start_of_day(now: dt.datetime, zone: str) -> dt.datetime:
    """Midnight at the start of ``now``'s day in the time zone ``zone``."""
    local = now.astimezone(zoneinfo.ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class DueMeasureQuerySet(models.QuerySet):
    def pending(self) -> DueMeasureQuerySet:
        return self.filter(completed_at__isnull=True, cancelled=False)

    def open_now(self, now=None) -> DueMeasureQuerySet:
        now = now or timezone.now()
        return self.pending().filter(opens_at__lte=now, expires_at__gt=now)

    def overdue(self, now=None) -> DueMeasureQuerySet:
        """Due on an earlier day than today in the clinic's time zone, and still open.

        A questionnaire due today is not overdue: the patient has until the day ends
        there (issue 20, item 9; the patient's pages say "due today", issue 14). Once
        expired it can no longer be filled in, so it stops being overdue (a weekly
        questionnaire never answered would otherwise stay in the worklists for ever).
        One small query reads the clinics' time zones."""
        now = now or timezone.now()
        zones = Clinic.objects.order_by().values_list("time_zone", flat=True).distinct()
        before_today = Q(pk__in=[])
        for zone in set(zones):
            before_today |= Q(episode__clinic__time_zone=zone, due_at__lt=start_of_day(now, zone))
        return self.pending().filter(before_today, expires_at__gt=now)

    def visible_to(self, user) -> DueMeasureQuerySet:
        """On the due's own episode, the join its callers make anyway (``episode__…``),
        not on a second copy of the episodes in ``episode__in=(subquery)`` (issue 16)."""
        return self.filter(through(episode_scope(user), "episode"))


class DueMeasure(models.Model):
    """A concrete questionnaire an episode's patient is asked to fill in."""

    episode = models.ForeignKey("core.Episode", on_delete=models.CASCADE, related_name="due")
    instrument = models.CharField(max_length=32)
    time_point = models.CharField(max_length=16, choices=TimePoint.choices)
    # The occasion's number for repeated time points; for "before each module" it is
    # the plan entry's id (so it needs more room than a small integer).
    sequence = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    # The episode's clinic, kept by the database (treatment 0016, decision 0053): a
    # team's rows are one range of a clinic-leading index, not one index descent per
    # episode, which grew a level deeper as the country grew (issue 16).
    clinic = episode_clinic_copy()

    objects = DueMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument", "time_point", "sequence"],
                name="one_due_item_per_occasion",
            )
        ]
        indexes = [
            models.Index(fields=["episode", "completed_at", "due_at"]),
            # The few "before treatment" ones of a caseload, which the inbox's
            # deterioration check compares against (issue 16).
            models.Index(
                fields=["episode"], condition=Q(time_point="pre"), name="due_pre_by_episode"
            ),
            # A team's open questionnaires not yet expired, and its "before treatment"
            # ones, by clinic (the staff home's counts; decision 0053).
            # (With the columns an overdue row shows: the inbox's and the staff home's
            # rows come from the index alone too, decision 0057.)
            models.Index(
                fields=["clinic", "expires_at"],
                include=["episode", "due_at", "id", "instrument", "time_point"],
                condition=Q(completed_at__isnull=True, cancelled=False),
                name="due_open_by_clinic",
            ),
            models.Index(
                fields=["clinic"],
                include=["id"],
                condition=Q(time_point="pre"),
                name="due_pre_by_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} ({self.get_time_point_display()}) due {self.due_at:%Y-%m-%d}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.completed_at is None
            and not self.cancelled
            and self.opens_at <= now < self.expires_at
        )

    def takes_answers(self, now=None) -> bool:
        """Open (``is_open``), or closed by its window's end less than ``LATE_GRACE`` ago
        while the patient was answering it: a draft exists, and a draft is only ever
        begun while answers are taken, so it was begun while the questionnaire was open.
        The last minutes of a window then lose nothing; a cancelled questionnaire (the
        course ended, the programme changed) takes nothing more. The draft is read from
        ``select_related("draft")`` when given."""
        now = now or timezone.now()
        if self.is_open(now):
            return True
        if self.completed_at is not None or self.cancelled:
            return False
        if not self.expires_at <= now < self.expires_at + LATE_GRACE:
            return False
        return getattr(self, "draft", None) is not None

    def is_overdue(self, now=None) -> bool:
        """As ``DueMeasureQuerySet.overdue``: due on an earlier day in the clinic's time
        zone (select ``episode__clinic`` with it when asking for many)."""
        now = now or timezone.now()
        return (
            self.completed_at is None
            and not self.cancelled
            and self.due_at < start_of_day(now, self.episode.clinic.time_zone)
            and now < self.expires_at
        )


# How long after its window ends a questionnaire still takes the answers of a patient who
# was answering it (``DueMeasure.takes_answers``): enough to finish and send one.
LATE_GRACE = dt.timedelta(hours=1)


class ResponseDraft(models.Model):
    """Answers given so far, kept so that leaving the page loses nothing."""

    due = models.OneToOneField(DueMeasure, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    submission_key = models.UUIDField(default=uuid.uuid4)
    updated_at = models.DateTimeField(auto_now=True)


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResponseQuerySet:
        """On the response's own episode (see ``DueMeasureQuerySet.visible_to``)."""
        return self.filter(through(episode_scope(user), "episode"))


class Response(models.Model):
    """A submitted questionnaire, scored on the instrument version it was answered on."""

    episode = models.ForeignKey("core.Episode", on_delete=models.PROTECT, related_name="responses")
    due = models.OneToOneField(
        DueMeasure, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    instrument = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=32)
    language = models.CharField(max_length=5)
    answers = models.JSONField()
    total = models.IntegerField(null=True)
    band = models.CharField(max_length=32, blank=True)
    result = models.JSONField()
    risk_flagged = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.UUIDField(unique=True)
    # The episode's clinic, kept by the database (treatment 0016, decision 0053): a
    # team's rows are one range of a clinic-leading index, not one index descent per
    # episode, which grew a level deeper as the country grew (issue 16).
    clinic = episode_clinic_copy()

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["episode", "instrument", "submitted_at"]),
            # A team's scored responses by clinic, with what the deterioration check
            # compares (the staff home's counts; decision 0053).
            models.Index(
                fields=["clinic"],
                include=["episode", "instrument", "submitted_at", "total", "due", "id"],
                condition=Q(total__isnull=False),
                name="response_scored_by_clinic",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0), name="total_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} ({self.submitted_at:%Y-%m-%d})"


class RiskThreshold(models.Model):
    """A clinic's own threshold for one of an instrument's risk rules (e.g. flag PHQ-9
    item 9 only from 2). Without a row, the instrument definition's threshold holds."""

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, related_name="risk_thresholds"
    )
    instrument = models.CharField(max_length=32)
    rule_code = models.CharField(max_length=64)
    at_least = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "instrument", "rule_code"], name="one_threshold_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.rule_code} ≥ {self.at_least}"
