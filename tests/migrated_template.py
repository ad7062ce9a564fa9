"""The test database migrated once per test run; the other xdist workers copy it.

Migrating an empty database costs about 27 CPU seconds a process, nine tenths of it
Django rendering the migrations' model states, not SQL (decision 0042). Every worker of
a run used to pay it. Now the first worker to need a database migrates its own, as
before, and leaves a copy of it for this run (the migrations' tables, triggers, data
and sequences exactly as `migrate` left them):

- SQLite: a file next to the workers' own, written with SQLite's backup API;
- PostgreSQL (TESSERA_TEST_DB_COPY_POSTGRES=0 turns it off): a database made with
  `CREATE DATABASE … TEMPLATE` from the worker's own (PostgreSQL copies it file by
  file, triggers, sequences and all).

A worker that arrives later (it waits for the first under a file lock of this run,
named by xdist's run id) gets its own test database as a copy of that one, and does not
run `migrate`: everything `migrate` and its post_migrate handlers write (content types,
permissions, the migrations' own rows) is in the copy. The rest of Django's test
database set-up (the serialized contents when a test asks for them, the cache table)
runs as before. Whoever made the copy removes it when its session ends; a worker that
needs a database only after that migrates its own again, and leaves a copy in turn.

Outside xdist, with `--no-migrations` or `--reuse-db`, nothing changes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core import management
from django.db import connections

# PostgreSQL too, unless TESSERA_TEST_DB_COPY_POSTGRES=0. It was off by default while a plan
# test (test_scale.py::test_the_audit_search_reads_the_clinics_trail_by_index) failed with
# it; that test now asks for the index's order with bitmap scans and sorts off, and no
# longer depends on the statistics earlier tests leave (decisions 0048, 0055).
_VENDORS = {"sqlite"} | (
    set() if os.environ.get("TESSERA_TEST_DB_COPY_POSTGRES") == "0" else {"postgresql"}
)


class _Made:
    """The copy this process made, to be removed at the end of its session."""

    marker: Path | None = None
    template: str | None = None
    alias: str = "default"


def _marker(connection) -> Path | None:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run or connection.vendor not in _VENDORS:
        return None
    if connection.settings_dict.get("TEST", {}).get("MIGRATE") is False:
        return None
    source = f"{run}|{connection.vendor}|{connection.settings_dict['NAME']}"
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"tessera-migrated-{key}"


def _sqlite_copy(source: str, target: str) -> None:
    Path(target).unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_create(connection, name: str, template: str) -> None:
    quote = connection.ops.quote_name
    connection.close()  # the template may have no connection while it is copied
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


def _pg_drop(connection, name: str) -> None:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _leave_copy(connection, marker: Path) -> str:
    """Copy the database this worker has just migrated; returns the copy's name."""
    test_name = connection.settings_dict["NAME"]
    assert test_name == connection.creation._get_test_db_name(), "not the test database"
    if connection.vendor == "sqlite":
        template = str(marker.with_suffix(".sqlite3"))
        partial = template + ".partial"
        _sqlite_copy(test_name, partial)
        os.replace(partial, template)
    else:
        template = f"{test_name}_migrated"
        _pg_create(connection, template, test_name)
    return template


@contextlib.contextmanager
def _from_copy(connection, template: str) -> Iterator[None]:
    """Within it, Django's test database set-up copies the template instead of making an
    empty database and migrating it."""
    creation = connection.creation

    def create_from_template(verbosity=1, autoclobber=False, keepdb=False):
        name = creation._get_test_db_name()
        if connection.vendor == "sqlite":
            _sqlite_copy(template, name)
        else:
            _pg_create(connection, name, template)
        return name

    call_command = management.call_command

    def call_command_but_migrate(command, *args, **options):
        if command == "migrate" and options.get("database", "default") == connection.alias:
            return None  # the copy is the migrated database
        return call_command(command, *args, **options)

    creation._create_test_db = create_from_template
    management.call_command = call_command_but_migrate
    try:
        yield
    finally:
        management.call_command = call_command
        del creation._create_test_db


@contextlib.contextmanager
def migrated_once(alias: str = "default") -> Iterator[None]:
    """Wraps Django's `setup_databases` for one test process of an xdist run."""
    connection = connections[alias]
    marker = _marker(connection)
    if marker is None:
        yield
        return
    with open(marker.with_suffix(".lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        template = marker.read_text() if marker.exists() else ""
        if template:
            with _from_copy(connection, template):
                yield
            return
        yield
        template = _leave_copy(connection, marker)
        marker.write_text(template)
        _Made.marker, _Made.template, _Made.alias = marker, template, alias


def forget_copy() -> None:
    """At the end of the session of the process that made the copy: remove it."""
    marker, template = _Made.marker, _Made.template
    if marker is None or template is None:
        return
    connection = connections[_Made.alias]
    with open(marker.with_suffix(".lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        marker.unlink(missing_ok=True)
        if connection.vendor == "sqlite":
            Path(template).unlink(missing_ok=True)
        else:
            _pg_drop(connection, template)
    _Made.marker = _Made.template = None
