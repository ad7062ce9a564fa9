"""When a patient last did something in an episode, in one query for many episodes.

Activity is: treatment starting, signing in, opening or completing a module, writing in
a worksheet, sending a message, submitting a questionnaire. Each is a subquery, so a
batch of episodes costs one query however many there are.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Max, OuterRef, Subquery

from tessera.messaging.models import Message
from tessera.treatment.models import PlanEntry, Response, WorksheetAnswer

FIELDS = (
    "last_module_started",
    "last_module_done",
    "last_worksheet",
    "last_wrote",
    "last_response",
)


def _latest(rows, path: str, field: str) -> Subquery:
    """The latest ``field`` of ``rows`` belonging to the outer episode."""
    rows = rows.filter(**{path: OuterRef("pk")}).order_by().values(path)
    return Subquery(rows.annotate(latest=Max(field)).values("latest")[:1])


def annotate(episodes):
    return episodes.annotate(
        last_module_started=_latest(PlanEntry.objects.all(), "episode", "started_at"),
        last_module_done=_latest(PlanEntry.objects.all(), "episode", "completed_at"),
        last_worksheet=_latest(WorksheetAnswer.objects.all(), "entry__episode", "updated_at"),
        last_wrote=_latest(Message.objects.filter(from_patient=True), "episode", "sent_at"),
        last_response=_latest(Response.objects.all(), "episode", "submitted_at"),
    )


def last_activity(episode) -> dt.datetime | None:
    """The latest moment of activity of an episode annotated by ``annotate``."""
    moments = [getattr(episode, name) for name in FIELDS]
    last_login = episode.patient.user.last_login if episode.patient.user_id else None
    moments.append(last_login)
    if episode.started_on is not None:
        zone = zoneinfo.ZoneInfo(episode.clinic.time_zone)
        moments.append(dt.datetime.combine(episode.started_on, dt.time.min, tzinfo=zone))
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def inactive_since(episode, now: dt.datetime) -> dt.datetime | None:
    """The last activity, when it is at least the clinic's ``inactive_after_days`` ago."""
    last = last_activity(episode)
    if last is None:
        return None
    if now - last >= dt.timedelta(days=episode.clinic.inactive_after_days):
        return last
    return None
