"""Which episodes changed at or after an instant, for ``_since`` on EpisodeOfCare and
Condition (the read API's search and the Bulk Data export).

Tessera keeps no "last modified" column on an episode; what an EpisodeOfCare or a
Condition shows changes only through audited actions on the episode (opened, treatment
started, care model changed, measures scheduled, ended …) and through the assessment
that records the diagnoses. So an episode counts as changed since ``since`` when it was
created then, when the audit trail holds a write on it (an ``Episode`` event whose
action is not a ``….viewed`` read) at or after ``since``, or when its assessment was
recorded at or after ``since``. One subquery each; no rows are loaded.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast

from tessera.core.models import AuditEvent
from tessera.intake.models import Application


def episodes_changed_since(since: dt.datetime) -> Q:
    """A filter for Episode querysets."""
    audited = (
        AuditEvent.objects.filter(at__gte=since, object_type="Episode")
        .exclude(action__endswith=".viewed")
        .annotate(episode_pk=Cast("object_id", BigIntegerField()))
        .values("episode_pk")
    )
    assessed = Application.objects.filter(assessed_at__gte=since, episode__isnull=False).values(
        "episode_id"
    )
    return Q(created_at__gte=since) | Q(pk__in=audited) | Q(pk__in=assessed)
