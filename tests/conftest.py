"""Shared named people for every test: one clinic's staff in every role, two patients,
staff of another clinic with their own patient, and a staff member without a second
factor. Built through the real actions, as the application builds them."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import importlib
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from tessera.core import actions
from tessera.core.models import Clinic, Episode, Patient, Region, User
from tessera.core.roles import Role
from tessera.treatment import actions as treatment
from tessera.treatment.actions import do_open_episode
from tessera.treatment.models import DueMeasure, MeasureRule, Response
from tests import session_clock
from tests.demo_snapshot import load_demo
from tests.migrated_template import forget_copy, migrated_once
from tests.plan_fixtures import build_plan
from tests.snapshot import FAST_HASHERS, Snapshot, shared, shared_data

PASSWORD = "a-long-test-password-17"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _commit_without_waiting_for_the_disk(sender, connection, **kwargs) -> None:
    """Test databases are thrown away, so a commit need not wait until the disk has it
    (SQLite: no fsync; PostgreSQL: the commit returns before its WAL is flushed). What
    other connections see, and when, is unchanged: the live server's threads and the
    test see each other's commits as before. Decision 0034: thousands of commits a run
    (every journey's request, every flush) each waited 1-2 ms for the disk."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")


connection_created.connect(_commit_without_waiting_for_the_disk, dispatch_uid="tests.no_fsync")

# The signed-in person is kept per process by default (decision 0074); the suite's
# pinned query counts are those of the database path, as before: kept only when the
# suite runs with REDIS_URL (tests/core/test_identity_cache.py turns it on and off).
django_settings.TESSERA_IDENTITY_CACHE = bool(os.environ.get("REDIS_URL"))

# The demo's record system key (seed_demo writes it; the database it seeds names it) goes
# to a folder of this test process's own, removed at its end: by default it is the
# checkout's var/fhir-demo-client/, where `make demo`'s database names its own key, and
# every run of the suite replaced that key, so the demo's record system could no longer
# sign in until the demo was seeded again.
DEMO_CLIENT_DIR = Path(tempfile.mkdtemp(prefix="tessera-test-demo-client-"))
django_settings.TESSERA_FHIR_DEMO_CLIENT_DIR = DEMO_CLIENT_DIR
atexit.register(shutil.rmtree, DEMO_CLIENT_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def english_first():
    """A request in Swedish leaves Swedish active in its thread; every test starts in
    English so that messages checked outside a request do not depend on test order."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and used one-time codes live in the cache; no test inherits another's.
    Nor the signed-in people kept per process (decision 0063): a rolled-back test moves
    the database's counters back, so a later test could match an earlier one's."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["identities"].clear()
    yield
    cache.clear()
    caches["identities"].clear()


@pytest.fixture
def identity_kept(settings):
    """The signed-in person kept between requests (``core.identity``), as in production
    (the suite's default is the database path, for its pinned query counts)."""
    from django.core.cache import caches

    settings.TESSERA_IDENTITY_CACHE = True
    caches["identities"].clear()
    yield
    caches["identities"].clear()


@pytest.fixture
def read_from_database(settings):
    """The session and the signed-in person read from the database on every request,
    whatever the suite's environment: for the tests that pin a page's exact query count.
    With REDIS_URL set, sessions are read from the cache and the person is kept, and
    those counts differ (the first request stores the person, the session costs none)."""
    settings.TESSERA_IDENTITY_CACHE = False
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@dataclass
class World:
    region: Region
    clinic: Clinic
    other_clinic: Clinic
    users: dict[str, User] = field(default_factory=dict)
    patient: Patient | None = None
    other_patient: Patient | None = None
    far_patient: Patient | None = None
    episode: Episode | None = None
    due: DueMeasure | None = None
    response: Response | None = None

    def __getitem__(self, kind: str) -> User:
        return self.users[kind]


def make_user(email: str, *, second_factor: bool = False, **names) -> User:
    user = User.objects.create_user(email, PASSWORD, **names)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if second_factor:
        TOTP.activate(user, TOTP_SECRET)
    return user


def make_clinic(region: Region, slug: str, **extra) -> Clinic:
    return actions.do_create_clinic(
        region=region,
        name=f"Clinic {slug}",
        slug=slug,
        country="SE",
        languages=["sv", "en"],
        time_zone="Europe/Stockholm",
        crisis_contacts=[{"language": "en", "label": "Emergency", "phone": "112"}],
        **extra,
    )


def begun_by(episode, day: dt.date) -> None:
    """For a test that ends a course on a day in the past: the course had begun by then,
    eight weeks before (``portal.ending.do_end_episode`` refuses an end before the
    start). Nothing changes when it had."""
    from tessera.core.models import Episode

    Episode.objects.filter(pk=episode.pk, started_on__gt=day).update(
        started_on=day - dt.timedelta(weeks=8)
    )


def make_patient(clinic: Clinic, email: str, *, therapist=None, first="Pat", last="Ient"):
    user = make_user(email)
    patient = actions.do_create_patient(
        user=user,
        clinic=clinic,
        first_name=first,
        last_name=last,
        date_of_birth=dt.date(1990, 1, 2),
        email=email,
    )
    episode = do_open_episode(patient, clinic, status="active", therapist=therapist)
    return patient, episode


STAFF_ROLES = {
    "intake": Role.INTAKE_COORDINATOR,
    "therapist": Role.THERAPIST,
    "assessor": Role.ASSESSOR,
    "supervisor": Role.SUPERVISOR,
    "manager": Role.CLINIC_MANAGER,
    "author": Role.CONTENT_AUTHOR,
    "researcher": Role.RESEARCHER,
}


def build_world() -> World:
    """The named people and their clinics, built through the real actions."""
    region = actions.do_create_region(name="Test Region", country="SE")
    w = World(region, make_clinic(region, "alpha"), make_clinic(region, "beta"))
    for kind, role in STAFF_ROLES.items():
        user = make_user(f"{kind}@alpha.test", second_factor=True, first_name=f"Staff{kind}")
        actions.do_grant_role(user, w.clinic, role)
        w.users[kind] = user
    admin = make_user("region.admin@test.test", second_factor=True)
    actions.do_make_region_admin(admin, region)
    w.users["region_admin"] = admin
    no_mfa = make_user("nomfa@alpha.test")
    actions.do_grant_role(no_mfa, w.clinic, Role.CLINIC_MANAGER)
    w.users["staff_no_mfa"] = no_mfa
    for kind, role in [("other_therapist", Role.THERAPIST), ("other_manager", Role.CLINIC_MANAGER)]:
        user = make_user(f"{kind}@beta.test", second_factor=True)
        actions.do_grant_role(user, w.other_clinic, role)
        w.users[kind] = user
    colleague = make_user("colleague@alpha.test", second_factor=True)
    actions.do_grant_role(colleague, w.clinic, Role.THERAPIST)
    w.users["colleague"] = colleague
    w.patient, w.episode = make_patient(
        w.clinic, "patient@alpha.test", therapist=w["therapist"], first="Pia", last="Larsson"
    )
    w.other_patient, _ = make_patient(
        w.clinic, "other.patient@alpha.test", therapist=colleague, first="Olle", last="Berg"
    )
    w.far_patient, _ = make_patient(
        w.other_clinic, "far.patient@beta.test", therapist=w["other_therapist"], first="Fia"
    )
    w.users["patient"] = w.patient.user
    w.users["other_patient"] = w.other_patient.user
    for code in ["PHQ-9", "GAD-7"]:
        for point in ["pre", "weekly"]:
            MeasureRule.objects.create(clinic=w.clinic, instrument=code, time_point=point)
    treatment.do_start_treatment(w.episode, acting_user=w["therapist"])
    w.due = DueMeasure.objects.get(episode=w.episode, instrument="PHQ-9", time_point="pre")
    gad = DueMeasure.objects.get(episode=w.episode, instrument="GAD-7", time_point="pre")
    w.response = treatment.do_submit_response(
        gad,
        dict.fromkeys(range(1, 8), 1),
        acting_user=w.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    return w


# The world is built once per test module and each test rolls back to it: see
# tests/snapshot.py.
shared_data("world")(build_world)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's own set-up of the test database, except that under xdist only the
    first worker of a run migrates; the others copy its database
    (tests/migrated_template.py, decision 0048)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    shared = django_db_use_migrations and not keepdb and "default" in aliases
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        with migrated_once() if shared else contextlib.nullcontext():
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
    yield
    with django_db_blocker.unblock():
        if not django_db_keepdb:
            try:
                teardown_databases(db_cfg, verbosity=verbosity)
            except Exception as exc:
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )
        forget_copy()


def pytest_configure(config):
    """``TESSERA_TEST_CLOCK=<ISO instant with offset>`` (off by default): the whole test
    process, from its start, runs as if the clock stood at that instant and ticks on
    from there, to find code and tests that assume an ordinary moment (a Monday just
    after midnight in Stockholm, a DST night, New Year's Eve, 29 February; decision
    0109). Under xdist each worker travels too (each runs this hook). Tests that pin
    their own instant with time_machine still get it."""
    instant = os.environ.get("TESSERA_TEST_CLOCK")
    if not instant:
        return
    import time_machine

    moment = dt.datetime.fromisoformat(instant)
    if moment.tzinfo is None:
        raise pytest.UsageError("TESSERA_TEST_CLOCK needs an offset, e.g. +01:00")
    config._tessera_clock = time_machine.travel(moment, tick=True)
    config._tessera_clock.start()


def pytest_report_header(config):
    if os.environ.get("TESSERA_TEST_CLOCK"):
        return f"clock travelled to {os.environ['TESSERA_TEST_CLOCK']} (TESSERA_TEST_CLOCK)"


def pytest_unconfigure(config):
    clock = getattr(config, "_tessera_clock", None)
    if clock is not None:
        clock.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist, the second worker's share of the collection (`--dist worksteal`
    gives the first worker the first share and the second the rest, in order) starts
    with the tests that use no database: it runs them while the first worker migrates
    the test database it will copy (tests/migrated_template.py), instead of waiting for
    the copy with nothing to do (decision 0089). Before that, and outside xdist too, the
    tests on the access matrix's world are brought together (decision 0115). Nothing else
    moves: both groups keep their tests in collection order."""
    from tests.snapshot import _uses_db, _wanted

    _matrix_world_together(items, _wanted)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if workers < 2 or not os.environ.get("PYTEST_XDIST_WORKER"):
        return

    no_db = [item for item in items if not _uses_db(item)]
    seen = set(map(id, no_db))
    ordered = [item for item in items if id(item) not in seen]
    second_share = len(items) // workers
    items[:] = ordered[:second_share] + no_db + ordered[second_share:]


def _matrix_world_together(items, wanted) -> None:
    """The tests on the access matrix's world (the matrix, and the walks that ask every
    URL: the fuzzer, the hostile crawl, the huge numbers, the forms sent twice) run one
    after another, where the first of them was collected: the world is built once for
    them (tests/snapshot.py keeps it while consecutive tests ask for it), not again for
    each module between which other tests ran (decision 0115: built seven times a run,
    the dearest shared data). Every other test keeps its place and its order."""
    together = [item for item in items if wanted(item) == ("matrix_world",)]
    if not together:
        return
    first = items.index(together[0])
    seen = set(map(id, together))
    rest = [item for item in items if id(item) not in seen]
    items[:] = rest[:first] + together + rest[first:]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    Snapshot.item = item
    Snapshot.prepare(item)


@pytest.fixture(scope="session")
def _snapshots(django_db_setup, django_db_blocker):
    """The first test that asks for shared data arrives before the test database
    exists; from here on the snapshot can be built before each test's fixtures."""
    Snapshot.blocker = django_db_blocker
    Snapshot.prepare(Snapshot.item)
    yield
    Snapshot.close()


@pytest.fixture
def world(request, _snapshots, db) -> World:
    """The test's own copy of the world, its rows rolled back after the test."""
    return shared(request, "world")


# The seeded plan of world.episode (tests/plan_fixtures.py): built once per process on the
# shared world and rolled back to for each test that asks for it (decision 0098).
shared_data("plan", extends="world")(build_plan)


@pytest.fixture
def plan(request, _snapshots, db):
    """The test's own copy of the plan (and of the world it was seeded on, whose `plan`
    it is). A module that needs more on it overrides `plan` and asks for this one."""
    return shared(request, "plan")


def sign_in(client, user, *, reauthenticated: bool = True):
    """Sign in as if the user had just given their password (and second factor).

    With reauthenticated, they have also just confirmed their password, as allauth asks
    before changing a second factor; the access matrix then sees past that gate."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now}]
    if reauthenticated:
        records.append({"method": "password", "at": now, "reauthenticated": True})
    if user.authenticator_set.exists():
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def login(client):
    return lambda user: sign_in(client, user)


@pytest.fixture(autouse=True)
def _session_clock(request):
    """Query counts first mark the signed-in sessions as just seen (tests/session_clock.py);
    ``@pytest.mark.session_clock``: they see the idle clock's own write."""
    with session_clock.counted_as_is(request.node.get_closest_marker("session_clock")):
        yield


@pytest.fixture
def recovery_codes(world):
    """Recovery codes belonging to the manager (nobody else has any)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    return RecoveryCodes.activate(world["manager"])


# The database refuses to delete audit rows (migration 0002), and so refuses the flush
# with which a transactional test ends. A test that commits runs with the triggers in
# place; just before the flush they are dropped, and put back as soon as the flush is
# done (the flush sends post_migrate), so later tests in the session still have them.
_AUDIT_TRIGGERS = importlib.import_module("tessera.core.migrations.0002_audit_append_only")
_RESTORE_UID = "tessera-tests-restore-audit-triggers"


def _restore_audit_triggers(sender, **kwargs):
    post_migrate.disconnect(sender=sender, dispatch_uid=_RESTORE_UID)
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.forwards(apps, editor)


@pytest.fixture
def flushable_audit_trail(transactional_db):
    """A transactional test whose audit rows the closing flush may delete."""
    yield
    core = apps.get_app_config("core")
    post_migrate.connect(
        _restore_audit_triggers, sender=core, weak=False, dispatch_uid=_RESTORE_UID
    )
    try:
        with connection.schema_editor() as editor:
            _AUDIT_TRIGGERS.backwards(apps, editor)
    except Exception:
        post_migrate.disconnect(sender=core, dispatch_uid=_RESTORE_UID)
        raise


@pytest.fixture
def seeded_demo(flushable_audit_trail, settings):
    """The demo, seeded and committed: seeded once per test process, then copied back
    for each test (tests/demo_snapshot.py)."""
    settings.DEMO = True
    load_demo()


@pytest.fixture(scope="session", autouse=True)
def _postgres_flush_by_delete():
    """A test that commits ends with a flush of every table. On PostgreSQL Django
    empties them with one TRUNCATE, which costs a new file per table: for a hundred
    mostly small tables, DELETE with triggers off for the transaction (the audit trail's
    refusal, and the foreign keys, which DELETE in any order would trip) is several
    times quicker. Test-only; the test databases' user is a superuser."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    TRUNCATED = {"core_auditevent"}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # The audit trail alone is truncated: the plan tests (tests/core/test_scale.py)
        # ask the planner about it, and pages of deleted rows left by earlier tests would
        # make a bitmap scan and a sort look cheapest on a table of three rows.
        return ["SET LOCAL session_replication_role = replica"] + [
            f"{'TRUNCATE' if table in TRUNCATED else 'DELETE FROM'} {self.quote_name(table)}"
            for table in tables
        ]

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        """Row by row, the flush can meet a request the live server is still finishing
        (a last autosave) in a deadlock, which PostgreSQL ends by cancelling one of the
        two; if it cancels the flush, it is tried again once the request is done."""
        for attempt in range(5):
            try:
                return flush(self, sql_list)
            except OperationalError as error:
                if "deadlock" not in str(error) or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    DatabaseOperations.sql_flush = sql_flush
    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.sql_flush = truncate
    DatabaseOperations.execute_sql_flush = flush


# What a flush keeps: the rows `migrate`'s post_migrate handlers write (the content types,
# and the permissions made from them), which no test writes; and the login buckets'
# counters that migration core 0024 wrote (tessera.core.identity), which only the
# database's triggers move. Emptied, every later test of the process found no counter
# and read the signed-in person from the database, so the identity cache's tests failed
# after any test that commits (found when an xdist order ran the demo's tests first,
# decision 0086).
_KEPT_BY_FLUSH = {"django_content_type", "auth_permission", "core_identityversion"}
_PERMISSIONS_UID = "django.contrib.auth.management.create_permissions"


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_content_types():
    """A test that commits ends with a flush of every table, after which post_migrate
    made every app's content types and permissions again (about 0.2 CPU s a flush, two
    thirds of it). The flush now leaves those two tables as `migrate` wrote them (and the
    identity counters, decision 0089), and its
    post_migrate skips only the two handlers that would look each row up again; every
    other receiver (the audit triggers' restorers) runs as before (decision 0055)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.core.management.commands import flush as command

    sql_flush, emit = command.sql_flush, command.emit_post_migrate_signal

    def sql_flush_but_kept(style, connection, reset_sequences=True, allow_cascade=False):
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        return connection.ops.sql_flush(
            style,
            [table for table in tables if table not in _KEPT_BY_FLUSH],
            reset_sequences=reset_sequences,
            allow_cascade=allow_cascade,
        )

    def emit_but_kept(verbosity, interactive, db, **kwargs):
        post_migrate.disconnect(create_contenttypes)
        post_migrate.disconnect(dispatch_uid=_PERMISSIONS_UID)
        try:
            emit(verbosity, interactive, db, **kwargs)
        finally:
            post_migrate.connect(create_contenttypes)
            post_migrate.connect(create_permissions, dispatch_uid=_PERMISSIONS_UID)

    command.sql_flush, command.emit_post_migrate_signal = sql_flush_but_kept, emit_but_kept
    yield
    command.sql_flush, command.emit_post_migrate_signal = sql_flush, emit
