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

One module, imported by the root conftest and by test modules alike, so that there
is one snapshot (the root conftest itself is loaded under two names).
"""

from __future__ import annotations

import copy
import sys
import unittest
from collections.abc import Callable

from django.db import transaction
from django.test import override_settings
from django.utils import translation

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHARED: dict[str, Callable[[], object]] = {}  # fixture name -> what builds its data
TRANSACTIONAL = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
USES_DB = TRANSACTIONAL | {"db"}


def shared_data(name: str):
    """Registers a builder of data that consecutive tests asking for `name` share."""

    def register(builder):
        SHARED[name] = builder
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


def _wanted(item) -> tuple[str, str] | None:
    """Which shared data the test runs on (name and scope), or None. The scope is the
    process: the test module no longer counts (decision 0092)."""
    names = _names(item)
    for name in SHARED:
        if name in names:
            if _transactional(item):
                return None
            return (name, "process")
    return None


class Snapshot:
    blocker = None  # pytest-django's database blocker, once the test database exists
    item = None  # the test about to run
    key: tuple[str, str] | None = None
    atomic = None
    data = None

    @classmethod
    def open(cls, key: tuple[str, str]) -> None:
        with cls.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS), translation.override("en"):
                    data = SHARED[key[0]]()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        cls.key, cls.atomic, cls.data = key, atomic, data

    @classmethod
    def close(cls) -> None:
        if cls.atomic is None:
            return
        atomic, cls.key, cls.atomic, cls.data = cls.atomic, None, None, None
        with cls.blocker.unblock():
            if not transaction.get_connection().in_atomic_block:
                # The transaction is already gone: the connection was closed and opened
                # again under it (seen twice, at the very end of a PostgreSQL run, after
                # every test had passed). There is nothing left to roll back.
                return
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    @classmethod
    def prepare(cls, item) -> None:
        """Before a test's fixtures: the transaction it needs is open, or none is."""
        key = _wanted(item)
        if cls.key is not None and cls.key != key and (key or _uses_db(item)):
            cls.close()
        if key and cls.key is None and cls.blocker is not None:
            cls.open(key)


def shared(request, name: str):
    """The test's own copy of the shared data `name` (built for it alone if it must
    commit)."""
    key = _wanted(request.node)
    if key is None or key[0] != name:
        return SHARED[name]()
    if Snapshot.key != key:
        raise RuntimeError(f"{name} was asked for before its snapshot could be built")
    return copy.deepcopy(Snapshot.data)
