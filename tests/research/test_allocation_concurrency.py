"""Two allocations at the same moment never take the same place (run it on SQLite and
on PostgreSQL: DATABASE_URL=postgres://… before the pytest command)."""

from __future__ import annotations

import threading

from django.db import connection

from tessera.research import actions
from tessera.research.models import AllocationSlot, Participant
from tessera.treatment.models import DueMeasure
from tests.research.fixtures import build_study, new_participant


def test_two_simultaneous_allocations_never_take_the_same_slot(flushable_audit_trail):
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
