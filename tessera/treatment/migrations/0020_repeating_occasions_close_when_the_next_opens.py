"""A repeating questionnaire's occasion closes when its next one opens (decision 0131).

``schedule.occasions`` now ends a weekly (or every-few-days) occasion's window when the
next occasion of the same questionnaire opens, if that comes before its own expiry:
with the default days a weekly one was open for ten days, so for three days of every
week a patient who had missed one was asked the same questionnaire twice. This brings
the occasions already scheduled, and still open, into line; an occasion keeps at least
its due day. Answered, cancelled and expired ones are left as they are.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

REPEATING = ("weekly", "custom")


def close_when_the_next_opens(apps, schema_editor):
    DueMeasure = apps.get_model("treatment", "DueMeasure")
    rows = (
        DueMeasure.objects.filter(time_point__in=REPEATING, expires_at__gt=timezone.now())
        .order_by("episode_id", "instrument", "time_point", "sequence")
        .values_list(
            "id",
            "episode_id",
            "instrument",
            "time_point",
            "sequence",
            "opens_at",
            "due_at",
            "expires_at",
            "completed_at",
            "cancelled",
        )
    )
    changed, previous = [], None
    for row in rows.iterator(chunk_size=2000):
        if previous is not None and previous[1:4] == row[1:4] and previous[4] + 1 == row[4]:
            pk, _e, _i, _t, _s, _o, due_at, expires_at, completed_at, cancelled = previous
            end = max(row[5], due_at + dt.timedelta(days=1))
            if completed_at is None and not cancelled and end < expires_at:
                changed.append(DueMeasure(pk=pk, expires_at=end))
        previous = row
        if len(changed) >= 2000:
            DueMeasure.objects.bulk_update(changed, ["expires_at"])
            changed = []
    DueMeasure.objects.bulk_update(changed, ["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("treatment", "0019_plan_entry_clinic")]

    operations = [
        migrations.RunPython(close_when_the_next_opens, migrations.RunPython.noop, elidable=True)
    ]
