"""Two reads that grew with the database's history (issue 16, decision 0087): the
identity counter every signed-in request reads, and the security page. Pinned by the
SQL they send and, on PostgreSQL, by EXPLAIN (ANALYZE, BUFFERS). Each test fails on the
reads as they were before (core 0028)."""

import json
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core import audit, identity
from tessera.core.models import AuditEvent, ClinicRole
from tessera.core.roles import Role

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _explained(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _vacuumed(table: str) -> None:
    """VACUUM ``table`` from a connection of its own (the test's is in a transaction)."""
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(f"VACUUM {table}")


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _counter_read(bucket: int) -> tuple[int, set[str]]:
    """Pages read by the counter's read of ``bucket`` and the indexes it used."""
    sql, params = identity._version_query(bucket).query.sql_with_params()
    plan = _explained(sql, params)
    pages = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return pages, {node.get("Index Name", node["Node Type"]) for node in _nodes(plan)}


@postgres_only
def test_the_identity_counter_is_read_by_its_key_the_same_for_any_login_and_after_updates(db):
    """Every signed-in request reads its login's counter. Scanned, it cost 1 page for a
    login whose row lay in the table's first page and 3-4 for one at its end (a row
    moves as it is updated): the bare signed-in view 1 → 3 pages at 1k → 100k. By its
    key: the key's one index page and the row's page, for any bucket, and the same after
    thousands of updates (each stays in its page: the table's fillfactor)."""
    buckets = [0, 1, 100, 200, identity.BUCKETS - 1]
    # The tests before this one in the process committed their own counter updates
    # (the flush keeps this table: decision 0089), their old versions still in the
    # pages, as a table between two autovacuum runs has them; the room is for this
    # test's updates, made in its one transaction (none of them prunable before it ends).
    _vacuumed("core_identityversion")
    _counter_read(0)  # the index's first use in this connection reads its metapage
    before = {bucket: _counter_read(bucket) for bucket in buckets}
    assert {pages for pages, _used in before.values()} == {2}, before
    assert all(used == {"Limit", "core_identityversion_pkey"} for _p, used in before.values())
    with connection.cursor() as cursor:
        for _ in range(8):  # 2,048 updates, each counter 8 times, as the triggers do
            cursor.execute("UPDATE core_identityversion SET version = version + 1")
    assert {bucket: _counter_read(bucket) for bucket in buckets} == before


@postgres_only
def test_the_identity_counters_table_keeps_room_for_its_updates(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'core_identityversion'")
        (options,) = cursor.fetchone()
    assert "fillfactor=10" in options


def _security_event(action: str, **kwargs) -> AuditEvent:
    return audit.record(action, purpose="administration", **kwargs)


@pytest.fixture
def security_events(world):
    """Security events at the clinic, of its staff, of another clinic and of nobody."""
    manager, therapist = world["manager"], world["therapist"]
    # The therapist also holds a second role at the clinic: still each event once.
    ClinicRole.objects.get_or_create(user=therapist, clinic=world.clinic, role=Role.SUPERVISOR)
    return {
        "staff failed sign-in": _security_event("auth.sign_in_failed", actor=therapist),
        "other clinic's staff": _security_event("auth.mfa_failed", actor=world["other_therapist"]),
        "at the clinic": _security_event("security.rate_limited", clinic=world.clinic),
        "not security": _security_event("audit.searched", actor=manager, clinic=world.clinic),
        "nobody": _security_event("auth.address_locked"),
        "staff at the clinic": _security_event(
            "security.access_denied", actor=therapist, clinic=world.clinic
        ),
        "staff at another clinic": _security_event(
            "security.fhir_scope_refused", actor=manager, clinic=world.other_clinic
        ),
        "at the other clinic": _security_event("security.rate_limited", clinic=world.other_clinic),
        "manager's wrong code": _security_event("auth.mfa_failed", actor=manager),
        "someone else at the clinic": _security_event(
            "security.access_denied", actor=world["other_manager"], clinic=world.clinic
        ),
    }


SHOWN = [
    "someone else at the clinic",
    "manager's wrong code",
    "staff at another clinic",
    "staff at the clinic",
    "at the clinic",
    "staff failed sign-in",
]


def test_the_security_page_lists_its_clinics_and_staffs_events_newest_first(
    world, client, login, security_events
):
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/audit/security/")
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [e.pk for e in rows] == [security_events[name].pk for name in SHOWN]
    assert response.context["page"].paginator.count == len(SHOWN)
    html = response.content.decode()
    for person in ("therapist", "manager", "other_manager"):
        assert world[person].email in html
    assert "security.rate_limited" in html
    # No join: the events come from their own indexes; the staff's e-mails from their
    # roles' copy, anyone else's read once for the page.
    events = [q["sql"] for q in captured.captured_queries if 'FROM "core_auditevent"' in q["sql"]]
    assert events and all("JOIN" not in sql for sql in events), events
    users = [q["sql"] for q in captured.captured_queries if 'FROM "core_user"' in q["sql"]]
    actors = [sql for sql in users if '"core_user"."id", "core_user"."email" FROM' in sql]
    assert len(actors) == 1 and "JOIN" not in actors[0], users


def test_the_security_page_pages_its_events(world, client, login, security_events):
    for _ in range(50):
        _security_event("auth.sign_in_failed", actor=world["therapist"])
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        pages = [client.get("/audit/security/", {"page": n}).context["page"] for n in (1, 2)]
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "core_auditevent"' in q["sql"]]
    assert all("JOIN" not in sql and "DISTINCT" not in sql for sql in reads), reads
    assert [len(page.object_list) for page in pages] == [50, len(SHOWN)]
    assert pages[0].paginator.count == 50 + len(SHOWN)
    assert [e.pk for e in pages[1].object_list] == [security_events[name].pk for name in SHOWN]


@postgres_only
def test_the_security_events_come_from_their_own_indexes_alone(world, security_events):
    """Index-only scans of the two partial indexes, the clinics' and the staff's: not
    the trail walked backwards by its key until a page of security events is found
    (main's plan at 1,000 patients read 2,700 pages for the demo clinic's 123 events)."""
    events = AuditEvent.objects.security_events_for_clinics({world.clinic.pk})[:50]
    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = _explained(sql, params)
    scans = {
        node.get("Index Name"): node["Node Type"]
        for node in _nodes(plan)
        if node.get("Relation Name") == "core_auditevent"
    }
    # The staff's part is read from their events filed under the clinic (decision 0091,
    # tests/core/test_scale_security_staff.py), not from the trail.
    assert set(scans) == {"audit_security_at_clinic"}, scans


# The security page's queries (the session, the identity counter, the staff's e-mails,
# the page with its count, the audit row of the visit; the rest the session's and the
# page's own), as decision 0108 left them: one fewer than the count and the page read
# apart.
# One more since decision 0130: the names of the clinics the page covers, said at its top.
SECURITY_PAGE_QUERIES = {"sqlite": 16, "postgresql": 12}


def test_the_security_page_reads_its_page_and_its_count_at_once(
    world, client, login, security_events, read_from_database
):
    """One read of the clinics' security events gives the page and how many there are
    (a window's count over the capped list): the count and the page read the same two
    index ranges apart, each one level deeper at 100,000 patients (6 → 8 pages a read;
    decision 0108). The same rows and count."""
    login(world["manager"])
    client.get("/audit/security/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/audit/security/")
    assert response.status_code == 200
    page = response.context["page"]
    assert [e.pk for e in page.object_list] == [security_events[name].pk for name in SHOWN]
    assert page.paginator.count == len(SHOWN)
    reads = [q["sql"] for q in captured.captured_queries if '"core_auditevent"' in q["sql"]]
    reads = [sql for sql in reads if sql.lstrip(" (").upper().startswith("SELECT")]
    assert len(reads) == 1, reads
    assert len(captured) == SECURITY_PAGE_QUERIES[connection.vendor], [
        q["sql"][:120] for q in captured.captured_queries
    ]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 7, "2", "x", "", None, 0, -1, "1.5"])
def test_one_read_pages_as_the_capped_paginator(world, security_events, number):
    """Every page (past the end, past the cap, not a number) is the one
    ``CappedPaginator`` gives, with the same count: 10 more events, 3 a page, a cap of 11
    (12 counted, 4 pages)."""
    from functools import partial

    from tessera.core.pagination import CappedPaginator, OneReadPaginator

    for _ in range(10):
        _security_event("auth.sign_in_failed", actor=world["therapist"])
    clinics = [world.clinic.pk]
    events = AuditEvent.objects.security_events_for_clinics(clinics)
    read = partial(AuditEvent.objects.security_events_page, clinics)
    one = OneReadPaginator(events, 3, read=read, cap=11).get_page(number)
    two = CappedPaginator(events, 3, cap=11).get_page(number)
    assert one.number == two.number
    assert [e.pk for e in one.object_list] == [e.pk for e in two.object_list]
    assert [(e.at, e.actor_id, e.action, e.ip_address) for e in one.object_list] == [
        (e.at, e.actor_id, e.action, e.ip_address) for e in two.object_list
    ]
    paginators = one.paginator, two.paginator
    assert len({(p.count, p.capped, p.num_pages) for p in paginators}) == 1
