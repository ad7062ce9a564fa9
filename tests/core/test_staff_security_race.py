"""The staff's security events when an event and a role of its actor are written at the
same time (decision 0091, section of 2026-12-06).

core 0030's triggers file a security event under the clinics where its actor holds a
role, and a role's person's events under its clinic. On PostgreSQL (READ COMMITTED) an
event and a role of its actor, both uncommitted at the same time, miss each other: the
event is not filed under the new clinic by either trigger. The sweep files it
(``staff_security.file_recent``): without it the event stays missing from the clinic's
security page."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tessera.automation.sweep import run_automation
from tessera.core import audit
from tessera.core.audit import staff_security
from tessera.core.models import ClinicRole, Region, StaffSecurityEvent
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_user

_GRANT = """INSERT INTO core_clinicrole
        (user_id, clinic_id, role, profession, on_call, user_first_name, user_last_name,
         user_email, user_is_active)
    VALUES (%s, %s, 'therapist', '', false, '', '', '', true)"""


def _filed(event) -> set[int]:
    return set(StaffSecurityEvent.objects.filter(event=event).values_list("clinic_id", flat=True))


def _failed_sign_in(user):
    return audit.record("auth.sign_in_failed", actor=user, purpose="administration")


@pytest.mark.django_db(transaction=True)
def test_an_event_and_a_role_written_at_the_same_time_are_filed_by_the_sweep():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the triggers see each other")
    region = Region.objects.create(name="Race region", country="SE")
    home, new = make_clinic(region, "race-home"), make_clinic(region, "race-new")
    first, second = make_user("race.first@example.test"), make_user("race.second@example.test")
    for person in (first, second):
        ClinicRole.objects.create(user=person, clinic=home, role=Role.THERAPIST)

    # A second connection, the role granting transaction's (G); this one records the
    # events (E).
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = False
        with other.cursor() as granting:
            # The event first, then the role, both open: G does not see E's event.
            with transaction.atomic():
                early_event = _failed_sign_in(first)
                granting.execute(_GRANT, [first.pk, new.pk])
                other.commit()
            # The role first, then the event, both open: E does not see G's role.
            granting.execute(_GRANT, [second.pk, new.pk])
            with transaction.atomic():
                late_event = _failed_sign_in(second)
                other.commit()
    finally:
        other.close()

    # What the triggers alone left: neither event under the new clinic.
    assert _filed(early_event) == {home.pk}
    assert _filed(late_event) == {home.pk}

    summary = run_automation(timezone.now())
    assert summary.staff_security_filed == 2
    assert _filed(early_event) == {home.pk, new.pk}
    assert _filed(late_event) == {home.pk, new.pk}
    # Again: nothing more to file.
    assert staff_security.file_recent(timezone.now()) == 0


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_while_its_actors_last_role_at_a_clinic_goes_is_not_left_there():
    """The opposite race (core 0032): an event filed under a clinic while its actor's last
    role there is being removed stayed listed there, in either order."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the triggers see each other")
    region = Region.objects.create(name="Leave region", country="SE")
    home, left = make_clinic(region, "leave-home"), make_clinic(region, "leave-gone")
    first, second = make_user("leave.first@example.test"), make_user("leave.second@example.test")
    for person in (first, second):
        ClinicRole.objects.create(user=person, clinic=home, role=Role.THERAPIST)
        ClinicRole.objects.create(user=person, clinic=left, role=Role.THERAPIST)
    remove = "DELETE FROM core_clinicrole WHERE user_id = %s AND clinic_id = %s"

    # A second connection, the role removing transaction's (R); this one records the
    # events (E).
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = False
        with other.cursor() as removing:
            # The removal first, then the event, both open: E must not file under it.
            removing.execute(remove, [first.pk, left.pk])
            with transaction.atomic():
                late_event = _failed_sign_in(first)
            other.commit()

            # The event first, then the removal, both open: R must take it away. R runs
            # in a thread, as it may wait for E.
            def remove_second():
                removing.execute(remove, [second.pk, left.pk])
                other.commit()

            with transaction.atomic():
                early_event = _failed_sign_in(second)
                removal = threading.Thread(target=remove_second)
                removal.start()
                time.sleep(0.5)  # R has removed the role, or waits for E
            removal.join(timeout=10)
            assert not removal.is_alive()
    finally:
        other.close()

    assert not ClinicRole.objects.filter(clinic=left).exists()
    assert _filed(late_event) == {home.pk}
    assert _filed(early_event) == {home.pk}
    assert not StaffSecurityEvent.objects.filter(clinic=left).exists()
    # The sweep has nothing to file (the clinic is not theirs any more).
    assert staff_security.file_recent(timezone.now()) == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_does_not_file_an_event_under_a_clinic_its_actor_is_leaving():
    """An event missing under a clinic whose role of its actor is being removed (the event's
    trigger skipped it) is not filed there by a sweep running meanwhile."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the sweep waits for the removal")
    region = Region.objects.create(name="Sweep region", country="SE")
    home, left = make_clinic(region, "sweep-home"), make_clinic(region, "sweep-gone")
    person = make_user("sweep.leaver@example.test")
    for clinic in (home, left):
        ClinicRole.objects.create(user=person, clinic=clinic, role=Role.THERAPIST)
    event = _failed_sign_in(person)
    StaffSecurityEvent.objects.filter(event=event, clinic=left).delete()  # as if skipped

    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = False
        with other.cursor() as removing:
            removing.execute(
                "DELETE FROM core_clinicrole WHERE user_id = %s AND clinic_id = %s",
                [person.pk, left.pk],
            )
            staff_security.file_recent(timezone.now())
            other.commit()
    finally:
        other.close()

    assert _filed(event) == {home.pk}


def test_the_sweep_files_only_what_is_missing_in_its_window(world):
    """An event of the window missing under a clinic of its actor is filed, once; an
    older one is left (``FILL`` is for those); rows already there are not counted."""
    therapist = world["therapist"]
    now = timezone.now()
    recent = _failed_sign_in(therapist)
    assert world.clinic.pk in _filed(recent)
    StaffSecurityEvent.objects.filter(event=recent).delete()  # as if missed
    assert staff_security.file_recent(now) == len(
        set(ClinicRole.objects.filter(user=therapist).values_list("clinic_id", flat=True))
    )
    assert world.clinic.pk in _filed(recent)
    assert staff_security.file_recent(now) == 0
    StaffSecurityEvent.objects.filter(event=recent).delete()
    assert staff_security.file_recent(now + staff_security.WINDOW + dt.timedelta(seconds=1)) == 0
    assert _filed(recent) == set()


def test_inside_a_callers_transaction_its_lock_timeout_is_put_back(world):
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '7s'")
        staff_security.file_recent(timezone.now())
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "7s"
