"""Two allocations at the same moment never take the same place (run it on SQLite and
on PostgreSQL: DATABASE_URL=postgres://… before the pytest command)."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from tessera.research import actions
from tessera.research.models import AllocationSlot, Participant
from tessera.treatment.models import DueMeasure
from tests.research.fixtures import build_study, new_participant

# The audit table refuses deletes (core migration 0002), and so the flush that ends a
# transactional test: drop the triggers just before it and put them back after.
_AUDIT_TRIGGERS = importlib.import_module("tessera.core.migrations.0002_audit_append_only")
_RESTORE_UID = "tessera-research-restore-audit-triggers"


def _restore_audit_triggers(sender, **kwargs):
    post_migrate.disconnect(sender=sender, dispatch_uid=_RESTORE_UID)
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.forwards(apps, editor)


@pytest.fixture
def flushable(transactional_db):
    yield
    core = apps.get_app_config("core")
    post_migrate.connect(
        _restore_audit_triggers, sender=core, weak=False, dispatch_uid=_RESTORE_UID
    )
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.backwards(apps, editor)


def test_two_simultaneous_allocations_never_take_the_same_slot(flushable):
    """Two threads randomise two participants of one stratum at once: two places."""
    from tests.conftest import build_world

    world = build_world()
    ns = build_study(world)
    ready = [new_participant(world, 40 + n, confirm=False) for n in range(2)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def confirm(participant):
        try:
            barrier.wait()
            actions.do_confirm_eligibility(participant, acting_user=ns.coordinator)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in ready]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slots = [Participant.objects.get(pk=p.pk).slot_id for p in ready]
    assert None not in slots and len(set(slots)) == 2
    assert sorted(
        AllocationSlot.objects.filter(pk__in=slots).values_list("position", flat=True)
    ) == [1, 2]
    assert DueMeasure.objects.filter(time_point="post").count() == 2
