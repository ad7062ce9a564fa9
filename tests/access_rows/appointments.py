"""Sessions (blended care): the care team's page per episode, the patient's own list."""

import datetime as dt

from django.utils import timezone

from tests.access_rows.base import CLINIC_WIDE, PATIENTS, TAILORS, Row, only

SEES_EPISODE = CLINIC_WIDE + ["therapist"]


def _booked(world):
    from tessera.appointments.actions import do_book_appointment

    return do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="phone",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )


def setup(world):
    world.session = _booked(world)


ROWS: dict[str, Row] = {
    "episode_sessions": Row(only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "session_record": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"status": "attended", "note": "ok"},
        kwargs=lambda w: {"episode_id": w.episode.pk, "pk": w.session.pk},
    ),
    "session_cancel": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        per_kind=True,
        data={"cancel_reason": "ill"},
        kwargs=lambda w: {"episode_id": w.episode.pk, "pk": _booked(w).pk},
    ),
    "care_model_change": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"to_model": "blended", "reason": "matrix"},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "my_sessions": Row(only(PATIENTS)),
}
