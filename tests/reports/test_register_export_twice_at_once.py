"""A clinic's register export asked for twice at the same moment (a double click, two
managers, two tabs) is queued once (decision 0135).

The clinic's queueing looked for a queued or running export of the clinic, found none,
and made one; two requests at the same moment on PostgreSQL (READ COMMITTED) each found
none and each queued a job: two jobs on the page, two runs on the worker, the second
reading every course again for nothing. The region's queueing already locked the
region's row before it looked; the clinic's now locks the clinic's row the same way."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from tessera.core.models import Region
from tessera.reports import tasks
from tessera.reports.actions import do_queue_register_export
from tessera.reports.models import RegisterExportJob
from tests.conftest import make_clinic, make_user
from tests.core.test_last_manager_race import _at_the_same_moment


def test_two_clinic_exports_asked_at_the_same_moment_queue_one(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the second sees the first")
    # Left queued: the worker would otherwise run the first (and finish it) before the
    # second looks, and a finished export may rightly be asked for again.
    monkeypatch.setattr(tasks, "run_register_export", SimpleNamespace(enqueue=lambda job: None))
    clinic = make_clinic(Region.objects.create(name="Export race", country="SE"), "exportrace")
    manager = make_user("export.race@example.test")
    outcome = _at_the_same_moment(
        lambda: do_queue_register_export(clinic, "generic", 1, acting_user=manager),
        lambda: do_queue_register_export(clinic, "generic", 1, acting_user=manager),
    )
    assert outcome == {"second": "An export of this clinic to this register is already running."}
    assert RegisterExportJob.objects.filter(clinic=clinic).count() == 1
