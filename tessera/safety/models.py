"""Risk alerts: a positive risk answer or a concern raised by staff, until resolved.

An alert is open until someone acknowledges it; it must be acknowledged by
``acknowledge_by`` (the window of its severity, ``rules.py``) or it escalates
(``escalation_level`` 1 = supervisor, or the on-call rota out of hours; 2 = clinic
manager). It can only be resolved with a recorded action.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import identity
from tessera.core.access import episode_scope, staff_clinic_ids, through
from tessera.core.id_lists import among_ids
from tessera.core.models import User


def _clinics_only_filtering(scope: Q) -> Q:
    """The same scope with its lists of the episode's clinics written to only filter
    (``among_ids``: ``clinic_id + 0``), once the alert's own clinic leads: as index
    conditions the planner hashed the clinic's whole range of episodes for a count of a
    therapist's one alert (7 pages at 100,000 patients), where each of the clinic's few
    alerts' episode by key is enough (decision 0084)."""
    copy = Q()
    copy.connector, copy.negated = scope.connector, scope.negated
    for child in scope.children:
        if isinstance(child, Q):
            copy.children.append(_clinics_only_filtering(child))
        elif (
            isinstance(child, tuple)
            and child[0] == "episode__clinic_id__in"
            and isinstance(child[1], set | frozenset | list | tuple)
        ):
            copy.children.append(among_ids("episode__clinic_id", child[1]))
        else:
            copy.children.append(child)
    return copy


class RiskAlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskAlertQuerySet:
        """On the alert's own episode (the join the alert list makes anyway), not on a
        second copy of the episodes (issue 16).

        For staff who are not patients too, led by the alert's copy of its clinic: every
        arm of a staff scope names its clinics, all among the user's role clinics
        (``staff_clinic_ids``), so the alerts of those clinics (``alert_by_clinic``) are
        the only ones to test. Without it the planner read every open alert of the
        country and hashed the clinic's episodes to find a therapist's one or two
        (545 open alerts at 100,000 patients; decision 0084). The copy is never
        missing (NOT NULL, written by ``save``), so no alert is hidden by it."""
        scope = through(episode_scope(user), "episode")
        if not (getattr(user, "is_staff_member", False) and user.patient_record is None):
            return self.filter(scope)
        return self.filter(_clinics_only_filtering(scope), clinic_id__in=staff_clinic_ids(user))

    def unresolved(self) -> RiskAlertQuerySet:
        return self.filter(resolved_at__isnull=True)

    def as_listed(self) -> RiskAlertQuerySet:
        """The alert list's rows: each alert with its episode, whose copy of the
        patient's name the list shows (core 0017), and whoever acknowledged it read once
        for the page. No join on the patients, the clinics or the users: each was one
        descent of a key that grows with the country per alert shown (the clinics table
        read whole), and the acknowledger was one query per acknowledged alert (issue
        16). The clinic's name: ``name_clinics``."""
        return self.select_related("episode").prefetch_related(
            models.Prefetch(
                "acknowledged_by",
                queryset=User.objects.only("id", "first_name", "last_name", "email"),
            )
        )


def name_clinics(user, alerts) -> list[RiskAlert]:
    """These alerts, each with ``clinic_name``: its episode's clinic's name, from the
    user's kept role clinics (``identity.clinics_by_name``; no query when every clinic
    is one of them, which the alert scopes' clinics are), else one read."""
    alerts = list(alerts)
    names = {
        clinic.pk: clinic.name
        for clinic in identity.clinics_by_name(user, {a.episode.clinic_id for a in alerts})
    }
    for alert in alerts:
        alert.clinic_name = names.get(alert.episode.clinic_id, "")
    return alerts


class RiskAlert(models.Model):
    class Severity(models.TextChoices):
        URGENT = "urgent", _("urgent")
        HIGH = "high", _("high")
        MODERATE = "moderate", _("moderate")

    class Source(models.TextChoices):
        RESPONSE = "response", _("risk answer in a questionnaire")
        CONCERN = "concern", _("concern raised by staff")
        HELP = "help", _("the patient asked for help")
        # Sent by the patient after the questionnaire had closed (its window and the hour
        # after, or cancelled when the course ended): the answers are not kept as a score,
        # but a risk answer among them reaches the clinic (decision 0136).
        LATE = "late", _("risk answer sent after the questionnaire had closed")

    class Action(models.TextChoices):
        PHONED = "phoned", _("phoned the patient")
        ASSESSED = "assessed", _("risk assessment done")
        EMERGENCY = "emergency", _("referred to emergency care")
        NO_ACTION = "none", _("no action, with reason")

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="risk_alerts"
    )
    # The episode's clinic, copied when the alert is made (``save``; an episode never
    # moves clinic): the alert list is read from its clinics' alerts (decision 0084).
    clinic = models.ForeignKey(
        "core.Clinic",
        on_delete=models.CASCADE,
        editable=False,
        db_index=False,
        related_name="+",
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    response = models.ForeignKey(
        "treatment.Response", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_codes = models.JSONField(default=list, blank=True)
    # For a LATE alert: the questionnaire it was sent to, and the risk flags the answers
    # reached (item, value, threshold, as a response's ``result["risk_flags"]``); the
    # other answers are not kept.
    due = models.ForeignKey(
        "treatment.DueMeasure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    late_flags = models.JSONField(default=list, blank=True)
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
    # The form's key, so that the form sent twice makes one alert (decision 0067).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["resolved_at", "acknowledge_by"]),
            # An episode's open alerts: the on-call scope looks its clinics' episodes up
            # here (issue 16).
            models.Index(
                fields=["episode"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_open_by_episode",
            ),
            # A clinic's alerts, its open ones (resolved_at NULL) together: the alert
            # list's way in (decision 0084).
            models.Index(fields=["clinic", "resolved_at"], name="alert_by_clinic"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | ~models.Q(action=""),
                name="resolved_alert_has_action",
            ),
            # Late answers sent twice (two tabs, the button pressed again) open one alert.
            models.UniqueConstraint(
                fields=["due"],
                condition=models.Q(resolved_at__isnull=True, due__isnull=False),
                name="one_open_alert_per_late_questionnaire",
            ),
        ]

    def __str__(self) -> str:
        return f"risk alert {self.pk} ({self.severity})"

    def save(self, *args, **kwargs):
        if self.clinic_id is None and self.episode_id is not None:
            self.clinic_id = self.episode.clinic_id
        super().save(*args, **kwargs)


# The six parts of a safety plan (Stanley & Brown 2012, CLINICAL.md §5): a plan the
# patient and the therapist write together, not a no-suicide contract.
SAFETY_PLAN_PARTS = [
    (
        "warning_signs",
        _("My warning signs"),
        _("Thoughts, moods, situations or behaviours that tell me a crisis may be coming."),
    ),
    (
        "coping",
        _("Things I can do on my own"),
        _("What helps me take my mind off things without contacting anyone."),
    ),
    (
        "distraction",
        _("People and places that take my mind off things"),
        _("Who I can be with, and where I can go, to feel a bit better."),
    ),
    (
        "people",
        _("People I can ask for help"),
        _("Names and phone numbers of people I can tell that I am not well."),
    ),
    (
        "professionals",
        _("Professionals and crisis lines"),
        _("My therapist, my GP, and who to call in an emergency."),
    ),
    (
        "environment",
        _("Making my surroundings safe"),
        _("What I can do to keep away from things I could harm myself with."),
    ),
]
SAFETY_PLAN_KEYS = [key for key, _label, _help in SAFETY_PLAN_PARTS]


class SafetyPlan(models.Model):
    """The current safety plan of an episode. Every save is also kept as a revision."""

    episode = models.OneToOneField(
        "core.Episode", on_delete=models.CASCADE, related_name="safety_plan"
    )
    parts = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def part_list(self) -> list[tuple[str, str, str, str]]:
        return [
            (key, label, help_text, self.parts.get(key, ""))
            for key, label, help_text in SAFETY_PLAN_PARTS
        ]

    @property
    def is_empty(self) -> bool:
        return not any((self.parts.get(key) or "").strip() for key in SAFETY_PLAN_KEYS)


class SafetyPlanRevision(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    parts = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="one_revision_per_version")
        ]
