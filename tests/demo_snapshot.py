"""The demo, seeded once per test process and copied back for every test that needs it.

Seeding the demo through the real actions (a year of courses, four countries, a trial)
takes seconds, and a dozen tests and journeys start from it. The first of them in a
process seeds it; its whole database is then kept, and each later test gets that
database back, committed, in a small fraction of the time:

- SQLite: the file is copied with SQLite's own backup API, into memory and back;
- PostgreSQL: every table is copied out with COPY, and back in after emptying it, with
  triggers off for the load (the audit trail refuses deletes, and the foreign keys would
  refuse the order), and the sequences moved past the loaded rows.

Under pytest-xdist the first worker to need the demo seeds it and leaves the copy in a
file of this test run (named by xdist's run id); the other workers wait for it under a
file lock and load it instead of seeding again. The file goes when the first worker that
used it exits; a worker that needs the demo only after that seeds it again.

The copy is taken on the day it was seeded (the demo's dates count from each clinic's
today), and is taken again on a new day at any of the demo's clinics (``demo_days``; the
day in UTC, the machine's zone, turned an hour after Stockholm's: a copy seeded at 23:30
in Stockholm was restored after its midnight, decision 0109). Only for tests that commit
(transactional_db): the copy replaces the whole database, so it cannot happen inside a
test's transaction; the test then needs `flushable_audit_trail` for the flush that ends
it.

Seeding takes about a minute (on PostgreSQL), and a midnight can fall inside it: the
demo is then partly yesterday's, and the test that asked for it compares it with a
today that has moved on. So the day is taken again when the build (or the load of
another worker's copy, or the copy put back) is done; if it changed, the database is
put back as it was before the build and the demo built again on the new day
(``kept_for_the_day``, decision 0129). The axe walk's people and the reports journeys'
cohort are kept the same way.
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tessera.fhir import demo as fhir_demo
from tests.snapshot import DAY_ZONES

_KEEP = {"django_migrations"}
_FHIR_CLIENT_FILES = ("client.json", "private-key.pem")


class DatabaseCopy:
    """A committed test database kept in memory, to be put back later in a fraction of
    the time it took to build (the demo here; the axe walk's people, tests/e2e)."""

    def __init__(self) -> None:
        self.day: tuple[dt.date, ...] | None = None  # the dates it was built on
        # The database as it was just before the build (the flushed tables), to start
        # the build again from when the date changed during it.
        self.blank: DatabaseCopy | None = None
        self.sqlite: sqlite3.Connection | None = None
        self.tables: dict[str, bytes] | None = None
        # Files written beside the database when it was built, by name (the demo's record
        # system: its key and client.json, which seed_demo writes and the database names).
        self.files: dict[str, bytes] = {}

    def save(self) -> None:
        """Keeps the whole database as it is now."""
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(memory)
            self.sqlite = memory
            return
        tables = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in _tables():
                name = connection.ops.quote_name(table)
                with raw.copy(f"COPY {name} TO STDOUT (FORMAT binary)") as copy:
                    tables[table] = b"".join(bytes(chunk) for chunk in copy)
        self.tables = tables

    def restore(self) -> None:
        """Puts the kept database back in place of the current one (committed)."""
        assert connection.get_autocommit(), "a copy loads only in a test that commits"
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.sqlite.backup(connection.connection)
        else:
            _restore_tables(self.tables)
        # Row ids may differ from what the in-process caches remember.
        ContentType.objects.clear_cache()


_DEMO = DatabaseCopy()


def _tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if t not in _KEEP]


def _restore_tables(tables: dict[str, bytes]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("SET session_replication_role = replica")
        try:
            present = _tables()
            for table in present:  # faster than TRUNCATE for many small tables
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, data in tables.items():
                if table not in present:
                    continue
                with raw.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        models = list(apps.get_models(include_auto_created=True))
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def demo_days(now: dt.datetime | None = None) -> tuple[dt.date, ...]:
    """Today at each of the demo's clinics (their time zones), which its dates count
    from, and in the test clinics' zones and UTC (tests/snapshot.py): the copy is good
    while none of them has changed."""
    import zoneinfo

    from django.utils import timezone

    from tessera.portal.demo import CLINICS

    now = now or timezone.now()
    zones = {settings.TIME_ZONE, *DAY_ZONES} | {spec.get("time_zone", "") for spec in CLINICS}
    return tuple(now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in sorted(zones - {""}))


T = TypeVar("T")


def kept_for_the_day(
    database: DatabaseCopy,
    build: Callable[[], T],
    *,
    days: Callable[[], tuple[dt.date, ...]] = demo_days,
    attempts: int = 3,
) -> T | None:
    """The committed rows ``build()`` writes, all of one day (``days()``: today in each
    zone their dates count from): ``database`` put back if it was built on today's days,
    else ``build()`` run and the result kept in ``database``. Returns what ``build()``
    returned, or None when the copy was put back.

    A midnight in any of those zones while it runs (the demo seeds for about a minute)
    would leave rows of two days, or a whole copy of yesterday, for a test that then
    compares them with today's date: the day is taken before and after, and when it
    changed the database is put back as it was before the build (``database.blank``)
    and built again on the new day (decision 0129)."""
    today = days()
    if database.day == today:
        database.restore()
        if days() == today:
            return None
        database.blank.restore()  # put back over midnight: built on the new day below
    elif database.blank is None:
        database.blank = DatabaseCopy()
        database.blank.save()
    for _ in range(attempts):
        today = days()
        database.sqlite = database.tables = None
        made = build()
        if days() == today:
            if database.sqlite is None and database.tables is None:
                database.save()  # unless build kept it already (the demo's, to share it)
            database.day = today
            return made
        database.blank.restore()
    raise RuntimeError(f"the date changed during each of {attempts} builds")


def _shared_file(today: tuple[dt.date, ...]) -> Path | None:
    """Where this xdist run keeps the seeded copy for its other workers, or None outside
    xdist (a lone process has nobody to share with)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return None
    days = "-".join(day.isoformat() for day in today)
    name = f"tessera-demo-{run}-{connection.vendor}-{days}"
    return Path(tempfile.gettempdir()) / name


def _files(path: Path) -> Path:
    return path.with_suffix(".files")


def _write_shared(path: Path) -> None:
    _files(path).write_bytes(pickle.dumps(_DEMO.files))  # before the copy: read after it
    partial = path.with_suffix(".partial")
    if connection.vendor == "sqlite":
        target = sqlite3.connect(partial)
        _DEMO.sqlite.backup(target)
        target.close()
    else:
        partial.write_bytes(pickle.dumps(_DEMO.tables, protocol=pickle.HIGHEST_PROTOCOL))
    partial.rename(path)  # a reader never sees half a copy


def _read_shared(path: Path) -> None:
    _DEMO.files = pickle.loads(_files(path).read_bytes())  # noqa: S301 - our own file
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        source.backup(memory)
        source.close()
        _DEMO.sqlite = memory
    else:
        _DEMO.tables = pickle.loads(path.read_bytes())  # noqa: S301 - our own file of this run


def _forget_shared(path: Path, lock: Path) -> None:
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        path.unlink(missing_ok=True)
        _files(path).unlink(missing_ok=True)


def _seed() -> None:
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    folder = fhir_demo.key_dir()
    _DEMO.files = {name: (folder / name).read_bytes() for name in _FHIR_CLIENT_FILES}


def put_demo_client_files(folder: Path) -> None:
    """Writes the seeded demo's record-system files (its private key and client.json, as
    seed_demo wrote them when it registered the client the copied database holds) into
    ``folder``: a test points TESSERA_FHIR_DEMO_CLIENT_DIR at it instead of seeding the
    whole demo again to have them (decision 0086)."""
    assert _DEMO.files, "load_demo first"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in _DEMO.files.items():
        (folder / name).write_bytes(data)


def load_demo() -> None:
    """The seeded demo in the (committed) test database, seeded here if this process
    has no copy from today (or loaded from the copy another worker of this run made),
    all of one day (``kept_for_the_day``)."""
    assert settings.DEMO, "the demo loads only in demo mode (settings.DEMO = True)"
    assert connection.get_autocommit(), "load_demo needs a test that commits (transactional_db)"
    kept_for_the_day(_DEMO, _seed_or_load)
    # Row ids may differ from what the in-process caches remember.
    ContentType.objects.clear_cache()


def _seed_or_load() -> None:
    """Seeds the demo, or loads the copy another worker of this xdist run seeded today.
    A copy is shared only when no midnight fell during its seeding."""
    today = demo_days()
    path = _shared_file(today)
    if path is None:
        _seed()
        return
    lock = path.with_suffix(".lock")
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if path.exists():
            _read_shared(path)
            _DEMO.restore()
        else:
            _seed()
            if demo_days() == today:
                _DEMO.save()
                _write_shared(path)
    atexit.register(_forget_shared, path, lock)
