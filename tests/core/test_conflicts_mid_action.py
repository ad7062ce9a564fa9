"""The database saying no mid-action because a colleague acted at the same moment
(decision 0149), proven on PostgreSQL with two real connections: the page's request in
this thread, the colleague's in another.

Before: a deadlock or a lock timeout inside "Acknowledge" or "Resolve" reached Django's
error handler, which took any ``OperationalError`` for a database that has gone away: a
503 "unavailable" page, and the note typed into the form was lost. Now the action is run
once more (its first transaction was rolled back whole), and when that fails too the
person is back on the alert's page with "someone else changed this at the same moment",
their note put back (idle.js), and nothing written."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse

from tessera.core import actions
from tessera.core.conflicts import ConflictMiddleware, conflict_code
from tessera.core.middleware import IDLE_RESTORE_COOKIE
from tessera.core.models import AuditChainHead, AuditEvent, Region
from tessera.core.models.audit import chain_key
from tessera.core.roles import Role
from tessera.safety.actions import do_raise_concern
from tessera.safety.models import RiskAlert
from tests.conftest import make_clinic, make_patient, make_user, sign_in

SAID = "Someone else changed this at the same moment, so nothing was saved."


@pytest.fixture
def alert(flushable_audit_trail):
    if connection.vendor != "postgresql":
        pytest.skip("deadlocks and lock timeouts are PostgreSQL's (SQLite writes one at a time)")
    clinic = make_clinic(Region.objects.create(name="Conflict region", country="SE"), "conflict")
    therapist = make_user("conflict.therapist@example.test", second_factor=True)
    actions.do_grant_role(therapist, clinic, Role.THERAPIST)
    _patient, episode = make_patient(clinic, "conflict.patient@example.test", therapist=therapist)
    raised = do_raise_concern(
        episode, acting_user=therapist, concern="Said she has a plan.", severity="high"
    )
    return raised, therapist


def _waiting_for_a_lock(other_pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh inside a transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> %s",
            [other_pid],
        )
        return cursor.fetchone()[0] > 0


def _colleague(alert: RiskAlert, *, deadlock: bool, ready, done: threading.Event, outcome):
    """Another connection: holds the clinic's audit chain (as a colleague's action that
    is writing its event does) and then wants the alert's row, which the page's action
    holds while it waits for the chain: a cycle PostgreSQL breaks by ending one of them.
    Its own deadlock check is late, so the page's action is the one ended. Without
    ``deadlock`` it holds the alert's row until told to let go (a lock timeout)."""
    other = connections["default"]
    try:
        with other.cursor() as cursor:
            cursor.execute("SET deadlock_timeout = '20s'")
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
            if deadlock:
                heads = AuditChainHead._meta.db_table
                cursor.execute(
                    f"SELECT id FROM {heads} WHERE chain = %s FOR UPDATE",  # noqa: S608
                    [chain_key(alert.episode.clinic_id)],
                )
            else:
                cursor.execute(
                    f"SELECT id FROM {RiskAlert._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                    [alert.pk],
                )
            ready.set()
            if deadlock:
                deadline = time.monotonic() + 20
                while not _waiting_for_a_lock(pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
                cursor.execute(
                    f"SELECT id FROM {RiskAlert._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                    [alert.pk],
                )
            else:
                done.wait(30)
            cursor.execute("COMMIT")
        outcome["colleague"] = "committed"
    except Exception as error:  # noqa: BLE001 - the outcome is asserted
        outcome["colleague"] = conflict_code(error) or repr(error)
    finally:
        other.close()


def _post_while_a_colleague_acts(url, body, user, *, deadlock: bool, lock_timeout=None):
    outcome: dict = {}
    ready, done = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=_colleague,
        args=(RiskAlert.objects.get(pk=body.pop("_alert")),),
        kwargs={"deadlock": deadlock, "ready": ready, "done": done, "outcome": outcome},
    )

    def limit(sender, connection, **kwargs):
        if threading.current_thread() is threading.main_thread() and lock_timeout:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{lock_timeout}'")

    connection.close()  # the page's request opens its own, with the limit
    connection_created.connect(limit)
    client = sign_in(Client(raise_request_exception=False), user)
    thread.start()
    try:
        assert ready.wait(20)
        response = client.post(url, body, HTTP_REFERER=f"http://testserver{body['_page']}")
    finally:
        done.set()
        thread.join(30)
        connection_created.disconnect(limit)
    return client, response, outcome


def test_acknowledging_during_a_colleagues_write_is_retried_once_and_done(alert):
    alert, therapist = alert
    url = reverse("risk_alert_acknowledge", args=[alert.pk])
    page = reverse("risk_alert", args=[alert.pk])
    _client, response, outcome = _post_while_a_colleague_acts(
        url, {"_alert": alert.pk, "_page": page}, therapist, deadlock=True
    )
    assert outcome == {"colleague": "committed"}
    assert response.status_code == 302  # was 503: the "unavailable" page
    assert response["Location"] == page
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == therapist.pk
    assert AuditEvent.objects.filter(action="risk_alert.acknowledged").count() == 1


def test_a_resolve_that_cannot_get_the_alert_keeps_the_note_and_writes_nothing(alert):
    alert, therapist = alert
    url = reverse("risk_alert_resolve", args=[alert.pk])
    page = reverse("risk_alert", args=[alert.pk])
    note = "Phoned her; safe with her sister tonight."
    body = {"_alert": alert.pk, "_page": page, "action": "phoned", "action_note": note}
    client, response, outcome = _post_while_a_colleague_acts(
        url, body, therapist, deadlock=False, lock_timeout="300ms"
    )
    assert outcome == {"colleague": "committed"}
    assert response.status_code == 302  # was 503, and the note was lost
    assert response["Location"] == page
    assert response.cookies[IDLE_RESTORE_COOKIE].value == "refused"  # idle.js puts it back
    assert SAID in client.get(page).content.decode()
    alert.refresh_from_db()
    assert alert.resolved_at is None
    assert not AuditEvent.objects.filter(action="risk_alert.resolved").exists()


class _DriverError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.sqlstate = code


def test_only_a_conflict_is_answered_by_the_middleware(rf):
    from django.db import IntegrityError, OperationalError

    def raised(code, kind=OperationalError):
        error = kind("no")
        error.__cause__ = _DriverError(code)
        return error

    middleware = ConflictMiddleware(lambda request: None)
    post = rf.post("/x/")
    assert middleware.process_exception(post, raised("57P01")) is None  # shutting down: 503
    assert middleware.process_exception(post, raised("23503", IntegrityError)) is None
    assert middleware.process_exception(rf.get("/x/"), raised("40P01")) is None
    assert middleware.process_exception(post, ValueError("no")) is None
    assert middleware.process_exception(post, raised("40P01")).status_code == 409
    assert middleware.process_exception(post, raised("23505", IntegrityError)).status_code == 409
