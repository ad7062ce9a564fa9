"""record_many's insert (decision 0047): on PostgreSQL one statement of column arrays
instead of bulk_create's VALUES list. The rows are those record() would write, field
for field, their ids rise along the list (the chain's order), and the chain verifies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core import audit, context
from tessera.core.models import AuditEvent


def test_rows_are_stored_as_built_with_ids_rising_along_the_list(world):
    token = context.set_current(context.RequestContext(ip_address="192.0.2.7", request_id="r-1"))
    try:
        items = [
            {
                "patient": world.patient if n % 2 else world.other_patient,
                "clinic": world.clinic if n % 3 else world.other_clinic,
                "changes": {"n": n, "text": 'å "quoted" {brace}', "list": [1, None]},
                "obj": world.episode if n == 4 else None,
            }
            for n in range(12)
        ]
        with CaptureQueriesContext(connection) as captured:
            events = audit.record_many("fhir.bulk_exported", items, actor_role="system")
    finally:
        context.reset(token)
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "core_auditevent"')]
    assert len(inserts) == 2  # one per chain
    for chain in {e.chain for e in events}:
        ids = [e.pk for e in events if e.chain == chain]
        assert ids == sorted(ids)
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert len(stored) == 12
    for event in events:
        row = stored[event.pk]
        for field in AuditEvent._meta.concrete_fields:
            assert getattr(row, field.attname) == getattr(event, field.attname), field.name
        assert row.compute_hash() == row.hash
    assert stored[events[0].pk].ip_address == "192.0.2.7"
    assert list(audit.verify_chain()) == []


@pytest.mark.parametrize("count", [1, 600])
def test_one_event_or_many_chain_like_single_records(world, count):
    events = audit.record_many(
        "fhir.bulk_exported",
        [{"patient": world.patient, "clinic": world.clinic} for _ in range(count)],
    )
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    audit.record("fhir.bulk_exported", patient=world.patient, clinic=world.clinic)
    assert list(audit.verify_chain()) == []
