"""Consultation requests (and the grant they give) and supervision.

The rows build their consultation inside ``kwargs`` rather than in ``setup``: a live
request gives ``colleague`` sight of ``w.patient``, which must not leak into other
areas' rows."""

from __future__ import annotations

import uuid

from tests.access_rows.base import KINDS, STAFF, Row, everyone, only

ALL_STAFF_PAGE = everyone(
    "ok", anon="login", patient="deny", other_patient="deny", staff_no_mfa="mfa"
)
OWN_ROLE_SEES_EPISODE = ["therapist", "intake", "assessor", "supervisor", "manager"]
assert set(OWN_ROLE_SEES_EPISODE) <= set(STAFF) and set(STAFF) <= set(KINDS)


class FreshKey(dict):
    """POST data with a new submission key for every request (each kind posts anew)."""

    def items(self):
        return [*super().items(), ("submission_key", str(uuid.uuid4()))]


def live_request(w):
    """A live request from the therapist to their colleague about w.patient's episode."""
    from tessera.consultation.actions import do_ask_colleague

    existing = getattr(w, "_consultation", None)
    if existing is None:
        existing = do_ask_colleague(
            w.episode,
            acting_user=w["therapist"],
            colleague=w["colleague"],
            question="What would you do?",
            submission_key=uuid.uuid4(),
        )
        w._consultation = existing
    return existing


ROWS: dict[str, Row] = {
    "consultation_list": Row(ALL_STAFF_PAGE),
    "consultation_mine": Row(ALL_STAFF_PAGE),
    # Those whose own roles show them the episode may ask; the consulted colleague may
    # see it (a live request exists) but may not pass the case on.
    "consultation_ask": Row(
        only(OWN_ROLE_SEES_EPISODE),
        kwargs=lambda w: {"episode_id": live_request(w).episode_id},
    ),
    "consultation_detail": Row(
        only(["therapist", "colleague"]), kwargs=lambda w: {"pk": live_request(w).pk}
    ),
    "consultation_comment": Row(
        only(["therapist", "colleague"], ok="redirect"),
        method="post",
        data=FreshKey(text="A comment"),
        kwargs=lambda w: {"pk": live_request(w).pk},
    ),
    "consultation_end": Row(
        only(["therapist"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"pk": live_request(w).pk},
    ),
    "supervision_list": Row(only(["supervisor"])),
    "supervision_case": Row(
        only(["supervisor", "therapist"]), kwargs=lambda w: {"episode_id": w.episode.pk}
    ),
    "supervision_follow": Row(
        only(["supervisor"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "supervision_unfollow": Row(
        only(["supervisor"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
}
