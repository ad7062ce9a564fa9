"""Shared data built once: a snapshot that every test rolls back to.

Building the world through the real actions (audit rows, second factors, a started
treatment) takes the better part of a second, and most tests ask for it. As
Django's TestCase.setUpTestData does, the data is built once inside a transaction
that stays open, and each test runs in a savepoint within it (pytest-django's `db`),
which is rolled back after the test: every test starts from the same rows, whatever
the one before it wrote. Each test gets its own deep copy of the built objects, so
that what one test changes in memory does not reach the next.

The data is built once per test process, not once per test module: the transaction
stays open from one module to the next as long as the tests that follow ask for the
same data (decision 0092; it was built again for each module, 0.09-0.15 CPU s for the
world, 224 times a run where 35 suffice). A test that must
commit (transactional_db, live_server) cannot run inside the open transaction, and a
database test that does not use the shared data must not see it: before either, the
transaction is rolled back, and the data is built again when a test next needs it.
Such tests still get the world, built for them alone.

Data is kept for one day only: it holds today's dates (a course begun today, a measure
due tomorrow), so a test after midnight on data built before it saw yesterday's world
(decision 0123). When the date at any of `DAY_ZONES` has changed since the data was
built, it is rolled back and built again; so it is when the date changed while it was
being built, before the test that asked for it runs (decision 0129).

Data can be built on other shared data (`shared_data("cohort", extends="world")`,
decision 0093): it is kept in a savepoint inside the world's transaction. A test that
asks for the world alone rolls back only that savepoint; a test that asks for the
extension gets the world and the extension from one deep copy.

One module, imported by the root conftest and by test modules alike, so that there
is one snapshot (the root conftest itself is loaded under two names).
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import unittest
import zoneinfo
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHARED: dict[str, Callable[..., object]] = {}  # fixture name -> what builds its data
# Shared data built on top of other shared data (name -> the data it extends): its builder
# is given its own copy of that data and returns its own part (decision 0093).
EXTENDS: dict[str, str] = {}
TRANSACTIONAL = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
USES_DB = TRANSACTIONAL | {"db"}
# The zones whose date the shared data's dates follow: the test clinics' (the world's are
# Stockholm's, some tests' London's) and UTC's (a moment's `.date()`).
DAY_ZONES = ("Europe/Stockholm", "Europe/London", "UTC")


def _days() -> tuple[dt.date, ...]:
    now = timezone.now()
    return tuple(now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in DAY_ZONES)


def shared_data(name: str, *, extends: str | None = None):
    """Registers a builder of data that consecutive tests asking for `name` share.

    With ``extends``, the data is built on top of that shared data (the world): its
    builder gets a copy of it and returns the rows it adds (the reports' cohort). It is
    kept in a savepoint inside the world's transaction, so a test that asks for the
    world alone rolls back only the extension, and the world is not built again."""

    def register(builder):
        SHARED[name] = builder
        if extends is not None:
            EXTENDS[name] = extends
        return builder

    return register


def _names(item) -> set[str]:
    return set(getattr(item, "fixturenames", ()))


def _transactional(item) -> bool:
    if TRANSACTIONAL & _names(item):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


def _uses_db(item) -> bool:
    """Whether the test may touch the database (Django's own TestCase classes manage
    their transactions themselves, so they count too)."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, unittest.TestCase):
        return True
    return bool(USES_DB & _names(item)) or item.get_closest_marker("django_db") is not None


def _chain(name: str) -> tuple[str, ...]:
    """The shared data `name` is built on, from the bottom: ("world", "cohort")."""
    chain = [name]
    while chain[0] in EXTENDS:
        chain.insert(0, EXTENDS[chain[0]])
    return tuple(chain)


def _wanted(item) -> tuple[str, ...] | None:
    """Which shared data the test runs on (the chain of names, from the bottom), or
    None. The scope is the process: the test module no longer counts (decision 0092).
    A test that asks for the world and an extension of it runs on the extension."""
    names = _names(item)
    chains = [_chain(name) for name in SHARED if name in names]
    if not chains or _transactional(item):
        return None
    return max(chains, key=len)


class Snapshot:
    blocker = None  # pytest-django's database blocker, once the test database exists
    item = None  # the test about to run
    key: tuple[str, ...] | None = None  # the names of the open layers, from the bottom
    layers: list[tuple[object, tuple]] = []  # each open layer's atomic block and data
    days: tuple[dt.date, ...] | None = None  # the dates at DAY_ZONES when the data was built

    @classmethod
    def open(cls, key: tuple[str, ...]) -> None:
        """Builds the shared data key[-1] on the layers open below it (key[:-1]); its
        data is the tuple of every layer's part, from the bottom."""
        name = key[-1]
        if not cls.layers:
            cls.days = _days()
        with cls.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS), translation.override("en"):
                    if cls.layers:
                        # The extension gets its own copy of what it extends: what it
                        # changes in memory must not reach the world kept below it.
                        base = copy.deepcopy(cls.layers[-1][1])
                        data = (*base, SHARED[name](base[-1]))
                    else:
                        data = (SHARED[name](),)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        cls.layers.append((atomic, data))
        cls.key = key

    @classmethod
    def close(cls, keep: int = 0) -> None:
        """Rolls back the open layers above the first `keep` (all of them by default)."""
        while len(cls.layers) > keep:
            atomic, _data = cls.layers.pop()
            cls.key = cls.key[:-1] or None
            with cls.blocker.unblock():
                if not transaction.get_connection().in_atomic_block:
                    # The transaction is already gone: the connection was closed and
                    # opened again under it (seen twice, at the very end of a PostgreSQL
                    # run, after every test had passed). There is nothing left to roll back.
                    cls.layers.clear()
                    cls.key = None
                    return
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    @classmethod
    def prepare(cls, item) -> None:
        """Before a test's fixtures: the transaction it needs is open, or none is."""
        key = _wanted(item)
        if cls.layers and cls.days != _days():
            cls.close()  # built on another day: built again below, if the test wants it
        if cls.key is not None and cls.key != key:
            if key:
                common = 0
                while common < min(len(key), len(cls.key)) and key[common] == cls.key[common]:
                    common += 1
                cls.close(common)
            elif _uses_db(item):
                cls.close()
        if key and cls.blocker is not None:
            for _ in range(3):
                for depth in range(len(cls.layers), len(key)):
                    cls.open(key[: depth + 1])
                if cls.days == _days():
                    break
                # A midnight fell while it was built (decision 0129): rows of two days.
                cls.close()


_COPIES = pytest.StashKey[dict]()


def shared(request, name: str):
    """The test's own copy of the shared data `name` (built for it alone if it must
    commit). A test that asks for the world and an extension of it gets one copy of
    both, so that the extension's objects and the world's are the same ones."""
    key = _wanted(request.node)
    copies = request.node.stash.setdefault(_COPIES, {})
    if key is None or name not in key:
        if name not in copies:
            base = EXTENDS.get(name)
            copies[name] = SHARED[name](shared(request, base)) if base else SHARED[name]()
        return copies[name]
    if Snapshot.key != key:
        raise RuntimeError(f"{name} was asked for before its snapshot could be built")
    if key not in copies:
        copies[key] = copy.deepcopy(Snapshot.layers[-1][1])
    return copies[key][key.index(name)]
