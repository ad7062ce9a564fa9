"""Risk alerts: the list for any staff member (scoped inside), an alert for those who see
its episode, and raising a concern about a patient one can see."""

import uuid

from tests.access_rows.base import CLINIC_WIDE, PATIENTS, STAFF, Row, only

SEES_EPISODE = CLINIC_WIDE + ["therapist"]


def _fresh_alert(world):
    from tessera.safety.actions import do_raise_concern

    return do_raise_concern(
        world.episode,
        acting_user=world["therapist"],
        concern=f"matrix {uuid.uuid4()}",
        severity="high",
    )


def setup(world):
    world.alert = _fresh_alert(world)


ROWS: dict[str, Row] = {
    "risk_alerts": Row(only(STAFF)),
    "risk_alert": Row(only(SEES_EPISODE), kwargs=lambda w: {"pk": w.alert.pk}),
    "risk_alert_acknowledge": Row(
        only(SEES_EPISODE, ok="redirect"), method="post", kwargs=lambda w: {"pk": w.alert.pk}
    ),
    "risk_alert_resolve": Row(
        only(SEES_EPISODE, ok="redirect"),
        method="post",
        per_kind=True,
        data={"action": "phoned", "action_note": "Called."},
        kwargs=lambda w: {"pk": _fresh_alert(w).pk},
    ),
    "raise_concern": Row(only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}),
}

ROWS.update(
    {
        "my_safety_plan": Row(only(PATIENTS)),
        "episode_safety_plan": Row(
            only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}
        ),
    }
)
