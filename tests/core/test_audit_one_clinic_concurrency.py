"""Writers at one clinic at the same moment still make one line of a chain (decision 0054):
real PostgreSQL connections from threads, no mocks. Run with DATABASE_URL=postgres://…"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tessera.core import actions, audit
from tessera.core.models import AuditChainHead, AuditEvent, Clinic

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections to one database"
    ),
]


def _write_together(clinic, per_writer: int, *, in_transaction: bool) -> list[Exception]:
    """Four threads, each with its own connection, write ``per_writer`` events at the
    clinic, starting at once; half of each one's events inside a transaction that does
    more work after the audit row (as an action does)."""
    start = threading.Barrier(4, timeout=30)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                if in_transaction and i % 2:
                    with transaction.atomic():
                        audit.record("audit.searched", clinic=clinic, changes={"w": n, "i": i})
                        AuditChainHead.objects.filter(chain=clinic.pk).exists()
                else:
                    audit.record("audit.searched", clinic=clinic, changes={"w": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_writers_at_one_clinic_at_once_make_one_line(flushable_audit_trail):
    """The first events of a new clinic's chain (its head made by whichever writer comes
    first) and then many more, written by four connections at once, autocommit and
    inside transactions: every row links to the one before it in id order, no two rows
    link to the same one, the head is the last row, and the verifier finds nothing."""
    region = actions.do_create_region(name="Concurrent", country="SE")
    clinic = actions.do_create_clinic(
        region=region, name="Concurrent", slug="concurrent", country="SE", languages=["sv"]
    )
    # A clinic with no event yet (made without the action, which audits it): the four
    # writers race for its head's creation.
    fresh = Clinic.objects.create(
        region=region, name="Fresh", slug="fresh", country="SE", languages=["sv"]
    )
    assert not AuditChainHead.objects.filter(chain=fresh.pk).exists()

    assert _write_together(fresh, 1, in_transaction=False) == []
    assert _write_together(clinic, 40, in_transaction=True) == []

    for chain, expected in ((fresh.pk, 4), (clinic.pk, None)):
        rows = list(
            AuditEvent.objects.filter(chain=chain)
            .order_by("id")
            .values_list("id", "prev_hash", "hash")
        )
        if expected is not None:
            assert len(rows) == expected
        assert rows[0][1] == audit.GENESIS
        for (_, _, before), (_, prev, _) in zip(rows, rows[1:], strict=False):
            assert prev == before
        assert len({prev for _, prev, _ in rows}) == len(rows)
        head = AuditChainHead.objects.get(chain=chain)
        assert (head.last_event_id, head.last_hash) == (rows[-1][0], rows[-1][2])
    assert AuditEvent.objects.filter(chain=clinic.pk, action="audit.searched").count() == 160
    assert list(audit.verify_chain()) == []
