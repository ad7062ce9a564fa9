"""Homework registered during the week: one diary entry per registration of a homework
step. A homework step can be registered as often as the patient likes; each entry keeps
the values exactly as typed (the same shapes as worksheet answers) and the day it is
for. Entries are never deleted; the patient may correct an entry for today."""

from __future__ import annotations

import datetime as dt

from django.db import models

from tessera.core.access import episode_scope, through

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class DiaryEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> DiaryEntryQuerySet:
        """On the plan entry's own episode, not a second copy of the episodes (issue 16)."""
        return self.filter(through(episode_scope(user), "entry__episode"))

    def between(self, first, last) -> DiaryEntryQuerySet:
        return self.filter(for_date__gte=first, for_date__lte=last)


class DiaryEntry(models.Model):
    entry = models.ForeignKey(
        "treatment.PlanEntry", on_delete=models.CASCADE, related_name="diary_entries"
    )
    step = models.ForeignKey("programs.Step", on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=dict)
    for_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One key per registration form: a double click, a resend after a lost connection
    # or the back button finds the first entry instead of making a second one.
    submission_key = models.UUIDField(unique=True)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["for_date", "created_at", "id"]
        indexes = [models.Index(fields=["entry", "step", "for_date"])]

    def __str__(self) -> str:
        return f"diary entry for step {self.step_id} on {self.for_date:%Y-%m-%d}"

    @property
    def version(self) -> str:
        """The entry as a form drew it: when it was last saved, in microseconds, for the
        "Correct an entry" form to send back (decision 0152)."""
        return str((self.updated_at - EPOCH) // dt.timedelta(microseconds=1))
