"""Staff administration: a clinic's staff page, inviting, roles, offboarding, handing a
leaver's patients over, and creating clinics (region administrators)."""

from __future__ import annotations

import uuid

from tests.access_rows.base import CLINIC_ADMINS, Row, only


def _spare_grant(world):
    """A researcher role at alpha for a new person (removed or changed by the request)."""
    from tessera.core.actions import do_grant_role
    from tests.conftest import make_user

    user = make_user(f"spare-{uuid.uuid4().hex[:8]}@alpha.test")
    return do_grant_role(user, world.clinic, "researcher")


def _leaver(world):
    """A therapist who left alpha (no role any more) with one open patient there."""
    from tests.conftest import make_patient, make_user

    user = make_user(f"left-{uuid.uuid4().hex[:8]}@alpha.test")
    make_patient(world.clinic, f"p-{uuid.uuid4().hex[:8]}@alpha.test", therapist=user)
    return user


ROWS: dict[str, Row] = {
    "clinic_create": Row(only(["region_admin"])),
    "clinic_staff": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "staff_member": Row(
        only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha", "user_id": w["therapist"].pk}
    ),
    "staff_offboard": Row(
        only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha", "user_id": w["therapist"].pk}
    ),
    "staff_hand_over": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        data={},
        kwargs=lambda w: {"slug": "alpha", "user_id": _leaver(w).pk},
    ),
    "episode_change_therapist": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        data={},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "staff_role_edit": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "role_id": _spare_grant(w).pk},
    ),
    "staff_role_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "role_id": _spare_grant(w).pk},
    ),
}
