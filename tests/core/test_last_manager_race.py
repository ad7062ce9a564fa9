"""Two managers taking each other's manager role at the same moment (decision 0112).

Each checked that the clinic kept another manager, saw the other still there, and went
on: on PostgreSQL (READ COMMITTED) neither saw the other's uncommitted removal, and the
clinic was left with no manager, the last person a risk alert falls back to. The clinic's
row is now locked before the check: the second waits for the first, then sees it."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tessera.core.actions import staff as staff_actions
from tessera.core.models import AuditEvent, ClinicRole, Region
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_user


def _managers(clinic) -> set[int]:
    return set(
        ClinicRole.objects.filter(clinic=clinic, role=Role.CLINIC_MANAGER).values_list(
            "user_id", flat=True
        )
    )


@pytest.fixture
def two_managers(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the second sees the first")
    clinic = make_clinic(Region.objects.create(name="Race region", country="SE"), "race")
    first = make_user("race.first@example.test")
    second = make_user("race.second@example.test")
    grants = [
        ClinicRole.objects.create(user=person, clinic=clinic, role=Role.CLINIC_MANAGER)
        for person in (first, second)
    ]
    return clinic, first, second, grants


def _at_the_same_moment(first_action, second_action) -> dict:
    """``first_action`` inside an open transaction; ``second_action`` in another
    connection meanwhile (it finishes, or waits for the first to commit)."""
    outcome: dict = {}

    def other():
        try:
            second_action()
            outcome["second"] = "done"
        except ValidationError as error:
            outcome["second"] = " ".join(error.messages)
        finally:
            connection.close()

    with transaction.atomic():
        first_action()
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(2)  # the old code finished here; the lock makes it wait for COMMIT
    thread.join(30)
    return outcome


def test_two_managers_offboarding_each_other_leave_one(two_managers):
    clinic, first, second, _grants = two_managers
    outcome = _at_the_same_moment(
        lambda: staff_actions.do_offboard_staff(second, acting_user=first, clinics=[clinic]),
        lambda: staff_actions.do_offboard_staff(first, acting_user=second, clinics=[clinic]),
    )
    assert outcome == {"second": "A clinic must keep at least one clinic manager."}
    assert _managers(clinic) == {first.pk}


def test_two_managers_removing_each_others_role_leave_one(two_managers):
    clinic, first, second, (first_grant, second_grant) = two_managers
    outcome = _at_the_same_moment(
        lambda: staff_actions.do_remove_role(second_grant, acting_user=first),
        lambda: staff_actions.do_remove_role(first_grant, acting_user=second),
    )
    assert outcome == {"second": "A clinic must keep at least one clinic manager."}
    assert _managers(clinic) == {first.pk}


def test_one_role_removed_twice_at_once_is_removed_and_audited_once(two_managers):
    clinic, first, second, _grants = two_managers
    therapist = make_user("race.therapist@example.test")
    grant = ClinicRole.objects.create(user=therapist, clinic=clinic, role=Role.THERAPIST)
    outcome = _at_the_same_moment(
        lambda: staff_actions.do_remove_role(grant, acting_user=first),
        lambda: staff_actions.do_remove_role(grant, acting_user=second),
    )
    assert outcome == {"second": "done"}
    assert not ClinicRole.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="staff.role_removed").count() == 1
