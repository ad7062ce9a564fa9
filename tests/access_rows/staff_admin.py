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


def _leave(world):
    """A leave of the therapist at alpha, a month ahead (removed or ended by the request;
    refused either way, it answers with the leave page)."""
    import datetime as dt

    from tessera.core.actions import do_record_leave
    from tessera.core.models import StaffLeave

    first = dt.date(2030, 1, 1) + dt.timedelta(days=3 * StaffLeave.objects.count())
    return do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=world["therapist"],
        first_day=first,
        last_day=first + dt.timedelta(days=1),
    )


# Leave: the clinic's staff administrators, and the person themself (decision 0146).
LEAVE = CLINIC_ADMINS + ["therapist"]

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
    "staff_leave": Row(
        only(LEAVE), kwargs=lambda w: {"slug": "alpha", "user_id": w["therapist"].pk}
    ),
    "staff_leave_change": Row(
        only(LEAVE), kwargs=lambda w: {"slug": "alpha", "leave_id": _leave(w).pk}
    ),
    "staff_leave_end": Row(
        only(LEAVE, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "leave_id": _leave(w).pk},
    ),
    "staff_leave_remove": Row(
        only(LEAVE, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "leave_id": _leave(w).pk},
    ),
}
