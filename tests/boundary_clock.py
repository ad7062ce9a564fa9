"""Every test starts just before a boundary of the calendar (decision 0123; not in CI).

``-p tests.boundary_clock`` with ``TESSERA_BOUNDARY_CLOCK=<ISO instant with offset>``
(a midnight, a DST change, a 30 s step of the authenticator codes): each test's
set-up runs with the clock travelled to 5 s before that instant, and its body from a
moment up to 0.4 s before it, the clock ticking (time_machine). Each test gets its own
moment, fixed by its id, so that the boundary falls somewhere inside its body, where a
value made twice ("today", a signed link) comes out different, while its shared data
(tests/snapshot.py) was built on the day before. ``TESSERA_TEST_CLOCK``
(tests/conftest.py) travels once per process instead: the boundary falls in whichever
test runs then. Tests that pin their own instant still get it.

    TESSERA_BOUNDARY_CLOCK=2027-01-01T00:00:00+01:00 .venv/bin/python -m pytest \
        -p tests.boundary_clock -m "not e2e" tests/workload
"""

import datetime as dt
import os
import zlib

import pytest
import time_machine

SPREAD = 0.4  # seconds before the boundary at which a test's body may start
LEAD = 5  # seconds before the boundary at which its set-up starts


def _boundary() -> dt.datetime | None:
    instant = os.environ.get("TESSERA_BOUNDARY_CLOCK")
    if not instant:
        return None
    boundary = dt.datetime.fromisoformat(instant)
    if boundary.tzinfo is None:
        raise pytest.UsageError("TESSERA_BOUNDARY_CLOCK needs an offset, e.g. +01:00")
    return boundary


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    boundary = _boundary()
    if boundary is None:
        yield
        return
    with time_machine.travel(boundary - dt.timedelta(seconds=LEAD), tick=True):
        yield


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_call(item):
    boundary = _boundary()
    share = zlib.crc32(item.nodeid.encode()) % 1000 / 1000
    moment = boundary and boundary - dt.timedelta(seconds=SPREAD * (1 - share))
    now = dt.datetime.now(dt.UTC)
    if moment is None or not boundary - dt.timedelta(seconds=LEAD) <= now < moment:
        yield  # a set-up longer than LEAD, or a fixture that pinned its own instant
        return
    with time_machine.travel(moment, tick=True):
        yield


def pytest_report_header(config):
    if os.environ.get("TESSERA_BOUNDARY_CLOCK"):
        return f"each test starts up to {SPREAD} s before {os.environ['TESSERA_BOUNDARY_CLOCK']}"
