"""The security page's staff part (issue 16, decision 0091): the security events of the
clinic's staff are filed under the clinic by the database (``StaffSecurityEvent``, core
0030's triggers), so that the page reads them as one range of the clinic, not one
descent of the by-actor index per staff member. The same events as listing them by the
staff's ids: a role granted later brings the person's earlier events, a role taken away
takes them out, a person with roles at two clinics is filed under both. Each test fails
on the read by the staff's ids (decision 0087)."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core import audit
from tessera.core.models import AuditEvent, ClinicRole, StaffSecurityEvent
from tessera.core.roles import Role
from tests.core.test_scale_counter_and_security import _explained, _nodes

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _event(action: str, **kwargs) -> AuditEvent:
    return audit.record(action, purpose="administration", **kwargs)


def _listed(clinic_ids) -> list[int]:
    return [e.pk for e in AuditEvent.objects.security_events_for_clinics(clinic_ids)]


def test_the_staffs_events_follow_their_roles(world):
    """A role granted after the person's events lists them; its end takes them out; a
    second role at the same clinic keeps them; the events of the day, newest first."""
    newcomer = world["other_therapist"]  # a role at the other clinic only, for now
    earlier = _event("auth.sign_in_failed", actor=newcomer)
    assert earlier.pk not in _listed([world.clinic.pk])
    assert earlier.pk in _listed([world.other_clinic.pk])

    role = ClinicRole.objects.create(user=newcomer, clinic=world.clinic, role=Role.THERAPIST)
    filed = StaffSecurityEvent.objects.filter(event=earlier)
    assert sorted(filed.values_list("clinic_id", flat=True)) == sorted(
        [world.clinic.pk, world.other_clinic.pk]
    )
    later = _event("auth.mfa_failed", actor=newcomer)
    listed = _listed([world.clinic.pk])
    assert listed.index(later.pk) < listed.index(earlier.pk)
    assert {earlier.pk, later.pk} <= set(listed)
    assert {earlier.pk, later.pk} <= set(_listed([world.other_clinic.pk]))
    # Both clinics at once (a region's page): each event once.
    both = _listed([world.clinic.pk, world.other_clinic.pk])
    assert len(both) == len(set(both)) and {earlier.pk, later.pk} <= set(both)

    second = ClinicRole.objects.create(user=newcomer, clinic=world.clinic, role=Role.SUPERVISOR)
    role.delete()
    assert {earlier.pk, later.pk} <= set(_listed([world.clinic.pk]))
    second.delete()
    assert not {earlier.pk, later.pk} & set(_listed([world.clinic.pk]))
    assert {earlier.pk, later.pk} <= set(_listed([world.other_clinic.pk]))

    # A role moved to another clinic takes the person's events with it.
    moved = ClinicRole.objects.get(user=newcomer, clinic=world.other_clinic)
    moved.clinic = world.clinic
    moved.save()
    assert {earlier.pk, later.pk} <= set(_listed([world.clinic.pk]))
    assert not {earlier.pk, later.pk} & set(_listed([world.other_clinic.pk]))


def test_a_second_role_at_the_clinic_files_the_events_once(world):
    """Each event is filed once per clinic, however many roles its actor holds there: on
    SQLite the covering unique constraint is not made (W039), and a second role filed
    every earlier event again until core 0031 gave SQLite the key columns' unique
    index."""
    person = world["other_therapist"]
    earlier = _event("auth.sign_in_failed", actor=person)
    ClinicRole.objects.create(user=person, clinic=world.clinic, role=Role.THERAPIST)
    ClinicRole.objects.create(user=person, clinic=world.clinic, role=Role.SUPERVISOR)
    later = _event("auth.mfa_failed", actor=person)
    for event in (earlier, later):
        filed = StaffSecurityEvent.objects.filter(event=event, clinic=world.clinic)
        assert filed.count() == 1, event.action


def test_the_security_page_reads_its_staffs_events_by_clinic(world, client, login):
    """The page asks for the events filed under its clinics, not for the staff's ids:
    its reads of security events name no actor and no list of people."""
    _event("auth.sign_in_failed", actor=world["therapist"])
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/audit/security/")
    assert response.status_code == 200
    assert world["therapist"].email in response.content.decode()
    reads = [q["sql"] for q in captured.captured_queries if "core_auditevent" in q["sql"]]
    reads = [sql for sql in reads if "SELECT" in sql and "INSERT" not in sql]
    assert reads and all('"actor_id" IN' not in sql for sql in reads), reads
    assert all("core_staffsecurityevent" in sql for sql in reads), reads


@postgres_only
def test_the_staffs_part_is_one_range_of_the_clinic(world):
    """The staff's part of the page is one index-only scan of the clinic's filed events
    (one loop, however many staff), the clinic's own part one of its partial index;
    the by-actor index of the trail is not used (one descent per staff member: 33 → 50
    pages at 1k → 100k patients for the demo clinic's 17)."""
    for person in ("therapist", "manager", "other_manager"):
        for action in ("auth.sign_in_failed", "auth.mfa_failed"):
            _event(action, actor=world[person])
    _event("security.rate_limited", clinic=world.clinic)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_staffsecurityevent")
    events = AuditEvent.objects.security_events_for_clinics([world.clinic.pk])[:50]
    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: as at scale
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = _explained(sql, params)
    scans = [
        (node.get("Relation Name"), node.get("Index Name"), node["Node Type"], node["Actual Loops"])
        for node in _nodes(plan)
        if node.get("Relation Name") in ("core_auditevent", "core_staffsecurityevent")
    ]
    assert sorted(scans) == [
        ("core_auditevent", "audit_security_at_clinic", "Index Only Scan", 1),
        ("core_staffsecurityevent", "staff_security_by_clinic", "Index Only Scan", 1),
    ], scans
