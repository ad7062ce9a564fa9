"""Row locks that do not stop the rows pointing at the locked row (found in this
session's PostgreSQL run: a deadlock between the manager handing a patient to a
colleague and the therapist's time heartbeat on the same episode).

An action locks its episode (``select_for_update``) and appends its audit event last,
which locks the clinic's chain head. Another request in that clinic appends its event,
holding the chain head, and at COMMIT PostgreSQL checks its rows' deferred foreign keys,
which takes ``FOR KEY SHARE`` on the episode: blocked by ``FOR UPDATE``, while the action
waits for the chain head. Each waited for the other; one was killed (a 503 for a person).
``FOR NO KEY UPDATE`` (``no_key=True``) still keeps two actions on one row apart, but
lets a row that only points at it be committed."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connection, transaction

from tessera.appointments.models import CareModelChange
from tessera.core.models import Episode, Region
from tests.conftest import make_clinic, make_patient, make_user

SOURCE = Path(__file__).resolve().parents[2] / "tessera"
LOCK = re.compile(r"select_for_update\(([^)]*)")


def test_every_row_lock_leaves_the_rows_pointing_at_it_free():
    plain = []
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for lock in LOCK.finditer(text):
            if "no_key=True" not in lock.group(1) and "skip_locked" not in lock.group(1):
                line = text.count("\n", 0, lock.start()) + 1
                plain.append(f"{path.relative_to(SOURCE)}:{line}")
    # The bulk export's part claim (SKIP LOCKED) locks an export part, which nothing
    # points at while it is claimed.
    assert plain == []


@pytest.mark.django_db(transaction=True)
def test_a_locked_episode_does_not_hold_back_a_row_that_points_at_it():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite writes one transaction at a time)")
    region = Region.objects.create(name="Lock region", country="SE")
    clinic = make_clinic(region, "locks")
    therapist = make_user("locks.therapist@example.test")
    _patient, episode = make_patient(clinic, "locks.patient@example.test")
    outcome = {}

    def point_at_it():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            with transaction.atomic():
                CareModelChange.objects.create(
                    episode_id=episode.pk,
                    from_model="guided",
                    to_model="blended",
                    reason="Written while the episode was locked",
                    actor=therapist,
                )
            outcome["committed"] = True
        except OperationalError as error:  # lock_timeout: held back by the lock
            outcome["error"] = str(error)
        finally:
            connection.close()

    with transaction.atomic():
        Episode.objects.select_for_update(no_key=True).get(pk=episode.pk)
        other = threading.Thread(target=point_at_it)
        other.start()
        other.join(30)
    assert outcome == {"committed": True}
