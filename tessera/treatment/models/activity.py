"""The patient's last doing in an episode, kept by the database (issue 16).

The inbox lists patients in treatment with no activity for the clinic's
``inactive_after_days``. Activity is the newest of: a message the patient sent, a
worksheet answer written, a questionnaire submitted, a module opened, a module completed
(``inbox.activity.with_last_activity`` is the definition, read from those rows). Asking
those five tables for every episode of a caseload cost five index descents per episode
(the manager's staff home: about 1,500 a request). This row keeps the newest one, so the
inbox reads one row per episode by its primary key.

Triggers (treatment 0015) keep it on every way of writing those rows (the actions, bulk
inserts, COPY in bench/scale.py, the tests' factories): a newer time replaces the kept
one, never an older. A row written with an older time, or deleted, leaves the kept
time as it was; the rows are never deleted or moved back in practice (messages and
answers are kept for the record). ``tests/treatment/test_episode_activity.py`` compares
the kept rows with the definition rebuilt from scratch.
"""

from __future__ import annotations

from django.db import models

from tessera.core.models import episode_clinic_copy


class EpisodeActivity(models.Model):
    # ``source`` is one of the names of ``inbox.activity.SOURCES`` (last_message,
    # last_worksheet, last_response, last_module, last_completed); on the same moment
    # the greater name is kept, as ``max`` of (moment, name) there.
    episode = models.OneToOneField(
        "core.Episode",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="last_activity",
    )
    at = models.DateTimeField()
    source = models.CharField(max_length=20)
    # The episode's clinic, kept by the database (treatment 0016, decision 0053): a team's
    # kept times are one range of the clinic's index, not one descent per episode.
    clinic = episode_clinic_copy()

    class Meta:
        indexes = [models.Index(fields=["clinic"], name="activity_by_clinic")]

    def __str__(self) -> str:
        return f"{self.episode_id}: {self.source} at {self.at:%Y-%m-%d %H:%M}"
