"""Time a staff member spent on an episode, per day in the clinic's time zone.

Two kinds of row. An *active* row (one per staff member, episode and day) grows while
the staff member has a page of that episode open and in use: the browser sends a
heartbeat every 30 seconds and the server adds the time since the previous one, capped
(``heartbeat.py``). A *manual* row is time added or taken away by hand, with a reason;
it never changes an active row, so what was measured and what was corrected stay apart.
The time recorded on a day is the sum of both kinds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tessera.core.access import episode_scope
from tessera.core.models import Episode


class TimeEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> TimeEntryQuerySet:
        """Time on the episodes the user may see (the episode scope of the access policy)."""
        return self.filter(episode__in=Episode.objects.filter(episode_scope(user)).values("pk"))

    def active(self) -> TimeEntryQuerySet:
        return self.filter(source=TimeEntry.Source.ACTIVE)


class TimeEntry(models.Model):
    class Source(models.TextChoices):
        ACTIVE = "active", _("measured")
        MANUAL = "manual", _("added by hand")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("staff member"),
    )
    episode = models.ForeignKey(
        "core.Episode", on_delete=models.PROTECT, related_name="time_entries"
    )
    day = models.DateField(_("day"))
    # Signed: a manual correction may take time away (never below zero for the day).
    seconds = models.IntegerField(_("seconds"), default=0)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    last_beat_at = models.DateTimeField(null=True, blank=True)
    # Manual rows carry the form's key, so that a form sent twice adds its time once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "episode", "day"],
                condition=Q(source="active"),
                name="one_active_time_row_per_day",
            ),
            models.CheckConstraint(
                condition=Q(source="manual") | Q(seconds__gte=0), name="active_time_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "day"]),
            models.Index(fields=["episode", "day"]),
        ]

    def __str__(self) -> str:
        return f"time of user {self.user_id} on episode {self.episode_id}, {self.day}"

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)
