"""Audited writes from several processes: do clinics wait for each other?

    python bench/audit_writes.py                 # 2 processes, 10 s per run, 3 rounds
    python bench/audit_writes.py --processes 4 --seconds 5
    python bench/audit_writes.py --compare main  # and main's code, side by side

Needs PostgreSQL (``--database-url``, default a database ``tessera_audit_bench`` on
127.0.0.1, dropped and created afresh, migrated). Nobody signs in; two kinds of writers,
each process one transaction at a time for ``--seconds``:

- **actions** (the target's case): real audited writes as the application does them,
  through the project's ``do_*`` actions and the ORM, in turn on each of the writer's
  own four patients: the patient writes a message (``do_send_message``: the message,
  the therapist's notification, the audit row), the therapist replies (the same, with
  the reply's checks, the answered messages and the patient's notification), the
  patient answers a PHQ-9 (``do_submit_response``). Each action first reads what a
  request reads before it (the signed-in user, the course). Set up once: in every
  clinic a therapist (with a second factor) and four patients in active courses per
  writer, 1,500 PHQ-9 occasions each. Notifications go to the task queue's table after
  the commit (``django_tasks_db``, no worker runs), as in production. Each writer also
  times how long its clinic's chain head stays locked after the audit append, to the
  end of the commit: what one clinic's other writers may wait for.
- **the bare loop**: ``audit.record()`` alone, one event per transaction (kept as a
  row: on a quiet 2-core machine it is bound by the CPU, a writer and its server
  process use a core between them, so it cannot show waiting).

Each runs as ``one clinic`` (every process at the same clinic, on patients of its own:
their events take turns on the clinic's head row), ``own clinics`` (each process at a
clinic of its own) and ``alone`` (one process), alternating ``--rounds`` times. It
prints actions (events) per second, the audit events per second counted in the
database, the ratio own / one (target ≥ 1.5 with two processes on two cores), then
checks the whole trail of every database written into with ``verify_chain()``: every
chain must hold after the concurrent writes. ``--no-actions``: the bare loop only.

``--compare REV`` runs REV's writers too, in the same rounds, into a copy of the set-up
database (REV checked out into a temporary git worktree; with the audit indexes of
before core 0022 when REV is older than it, otherwise REV must have this tree's
schema): REV's own bare loop, and this file's action writers with REV's application
code (``AUDIT_BENCH_ROOT``); then a table of both side by side. ``--diagnose`` adds
this tree's bare writers with ``synchronous_commit = off`` in their sessions: not a
setting to run with (a crash may lose the last commits), but it shows how much of a
chain's turn is the wait for the write-ahead log's flush to disk (decision 0054).
``--hold-ms MS`` adds this tree's bare writers with each event's transaction kept open
MS milliseconds after ``record()``, as an action's later statements would keep it.
Raise the run's CPU priority on a shared machine (``echo -10 > /proc/PID/autogroup``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_audit_bench"


def setup_django(database_url: str) -> None:
    """Django on that database, with the application code of this tree, or of the tree
    named by ``AUDIT_BENCH_ROOT`` (the compared revision's, for its action writers)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    # Notifications are enqueued for a worker as in production (a row after the commit),
    # and no e-mail reaches the screen.
    os.environ.setdefault("TESSERA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    os.environ.setdefault("TESSERA_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    root = Path(os.environ.get("AUDIT_BENCH_ROOT") or ROOT)
    sys.path.insert(0, str(root))
    import django

    django.setup()
    import tessera

    if Path(tessera.__file__).resolve().parent.parent != root.resolve():
        raise SystemExit(f"tessera imported from {tessera.__file__}, not from {root}")


def writer(database_url: str, clinic_slug: str, seconds: float) -> int:
    """One process's loop: once imported, say so and wait for the moment to start (sent
    by the parent when every writer is ready), then record events at this clinic until
    the time is up."""
    setup_django(database_url)
    from tessera.core import audit
    from tessera.core.models import Clinic

    clinic = Clinic.objects.get(slug=clinic_slug)
    if os.environ.get("AUDIT_BENCH_ASYNC_COMMIT"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    hold = float(os.environ.get("AUDIT_BENCH_HOLD_MS") or 0) / 1000
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    while time.time() < start_at:
        time.sleep(0.005)
    end = start_at + seconds
    written = 0
    while time.time() < end:
        if hold:
            from django.db import transaction

            with transaction.atomic():
                audit.record(
                    "audit.searched", clinic=clinic, purpose="audit", changes={"n": written}
                )
                time.sleep(hold)  # the action's later statements, its head row locked
        else:
            audit.record("audit.searched", clinic=clinic, purpose="audit", changes={"n": written})
        written += 1
    return written


# The actions of the action mode, in the order each writer takes them, one episode after
# another: the three audited writes a guided course makes most of.
ACTIONS = ("patient writes", "therapist replies", "patient answers PHQ-9")
PATIENTS = 4  # per writer: each writer acts on patients of its own, with their therapist
DUES = 1500  # PHQ-9 occasions per patient, answered one by one
PHQ9 = {**dict.fromkeys(range(1, 9), 1), 9: 0}  # total 8, item 9 at 0: no risk alert
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - a bench therapist's second factor


def step(n: int, patients: int = PATIENTS) -> tuple[int, str]:
    """The writer's n-th action: which of its patients (an index) and what."""
    return (n // len(ACTIONS)) % patients, ACTIONS[n % len(ACTIONS)]


def therapist_email(slug: str, group: int) -> str:
    return f"therapist-{group}@{slug}.bench"


def make_people(slugs: list[str], groups: int) -> None:
    """In every clinic, for each writer (``groups``): a therapist and PATIENTS patients,
    each in an active guided course with that therapist and DUES PHQ-9 occasions to
    answer. Through the project's actions, as the tests' world is built; no password
    (no hashing)."""
    import datetime as dt

    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone

    from tessera.core import actions
    from tessera.core.models import Clinic, User
    from tessera.core.roles import Role
    from tessera.treatment.actions import do_open_episode
    from tessera.treatment.models import DueMeasure

    now = timezone.now()
    for slug in slugs:
        clinic = Clinic.objects.get(slug=slug)
        for group in range(groups):
            therapist = User.objects.create_user(therapist_email(slug, group), None)
            TOTP.activate(therapist, TOTP_SECRET)  # staff see patient data with one
            actions.do_grant_role(therapist, clinic, Role.THERAPIST)
            for i in range(PATIENTS):
                email = f"patient-{group}-{i}@{slug}.bench"
                patient = actions.do_create_patient(
                    user=User.objects.create_user(email, None),
                    clinic=clinic,
                    first_name="Bench",
                    last_name=f"Patient {group}-{i}",
                    date_of_birth=dt.date(1990, 1, 2),
                    email=email,
                )
                episode = do_open_episode(patient, clinic, status="active", therapist=therapist)
                DueMeasure.objects.bulk_create(
                    DueMeasure(
                        episode=episode,
                        instrument="PHQ-9",
                        time_point="weekly",
                        sequence=n,
                        opens_at=now - dt.timedelta(days=1),
                        due_at=now,
                        expires_at=now + dt.timedelta(days=30),
                    )
                    for n in range(1, DUES + 1)
                )


def actor(database_url: str, clinic_slug: str, group: int, seconds: float) -> str:
    """One process's real actions (``ACTIONS``, through the ORM, each its own
    transaction as in a request) on its own patients at this clinic, until the time is
    up; the number of actions and the median time the head stayed locked after the
    append, in ms (``held_after_append``). Each action is preceded by the reads a request makes
    before it (the signed-in user, the course), outside the transaction."""
    setup_django(database_url)
    import uuid

    from tessera.core.models import Episode, User
    from tessera.messaging.actions import do_send_message
    from tessera.treatment.actions import do_submit_response
    from tessera.treatment.models import DueMeasure

    therapist = User.objects.get(email=therapist_email(clinic_slug, group)).pk
    courses = list(
        Episode.objects.filter(clinic__slug=clinic_slug, therapist_id=therapist)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dues = {
        pk: list(DueMeasure.objects.filter(episode_id=pk).pending().order_by("-sequence"))
        for pk in courses
    }

    def act(n: int) -> None:
        index, what = step(n, len(courses))
        episode = Episode.objects.select_related("clinic", "patient__user").get(pk=courses[index])
        patient = episode.patient.user
        if what == "patient answers PHQ-9" and dues[episode.pk]:
            due = dues[episode.pk].pop()
            due.episode = episode
            do_submit_response(
                due, PHQ9, acting_user=patient, submission_key=uuid.uuid4(), language="sv"
            )
        else:
            do_send_message(
                episode,
                # the signed-in therapist, read afresh as for each request
                acting_user=User.objects.get(pk=therapist)
                if what == "therapist replies"
                else patient,
                body=f"Bench message {n}: how did the week go?",
                submission_key=uuid.uuid4(),
            )

    # One round of the actions before the start: the first of each imports and reads
    # what every later one finds ready (URLs, the questionnaire's definition).
    for n in range(len(ACTIONS)):
        act(n)
    held: list[float] = []
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    while time.time() < start_at:
        time.sleep(0.005)
    end = start_at + seconds
    done = 0
    with held_after_append(held):
        while time.time() < end:
            act(len(ACTIONS) + done)
            done += 1
    held_ms = statistics.median(held) * 1000 if held else 0.0
    return f"{done} {held_ms:.2f}"


@contextlib.contextmanager
def held_after_append(held: list[float]):
    """Time, for each transaction that appends to the trail, from the end of the append
    (the chain's head is then locked) to the end of the commit (released), into
    ``held``: how long one clinic's other writers may have to wait for this one. The
    append is the statement that locks the head (decision 0054)."""
    from django.db import connection

    since: list[float] = []

    def execute(run_sql, sql, params, many, context):
        result = run_sql(sql, params, many, context)
        if sql.startswith("WITH head AS") and not since:
            since.append(time.perf_counter())
        return result

    commit = connection._commit

    def timed_commit():
        commit()
        if since:
            held.append(time.perf_counter() - since.pop())

    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(execute):
            yield
    finally:
        del connection._commit


def run(
    database_url: str,
    slugs: list[str],
    seconds: float,
    script: Path = Path(__file__),
    extra_env: dict | None = None,
    actions: bool = False,
) -> tuple[float, float, float | None]:
    """Start one writer per slug at the same moment: (events or, with ``actions``,
    actions per second, all together; audit events per second, counted in the database;
    with ``actions``, the writers' median time the head stayed locked after the append).
    With ``actions`` the i-th writer acts on the i-th group of patients of its clinic.
    (The moment is set once every writer has imported Django, however busy the machine.)
    ``script``: this file, or the compared tree's."""
    children = [
        subprocess.Popen(
            [sys.executable, str(script)]
            + (["--child-actions", slug, str(i)] if actions else ["--child", slug])
            + [str(seconds)],
            env={**os.environ, "DATABASE_URL": database_url, **(extra_env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, slug in enumerate(slugs)
    ]
    for child in children:
        if child.stdout.readline().strip() != "ready":
            raise SystemExit("a writer failed before it was ready")
    newest = newest_event_id(database_url)
    flushes = wal_flushes(database_url)
    start_at = time.time() + 0.5
    total, held = 0, []
    for child in children:
        child.stdin.write(f"{start_at}\n")
        child.stdin.flush()
    # The machine's CPU over the middle of the run (not the writers' start or exit).
    time.sleep(max(0.0, start_at - time.time()) + seconds * 0.1)
    cpu = cpu_ticks()
    time.sleep(seconds * 0.8)
    busy = cpu_busy(cpu, cpu_ticks())
    for child in children:
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"a writer failed (exit {child.returncode})")
        count, *rest = out.strip().splitlines()[-1].split()
        total += int(count)
        held.extend(float(x) for x in rest)
    events = newest_event_id(database_url, count_after=newest)
    flushes = wal_flushes(database_url) - flushes
    return (
        total / seconds,
        events / seconds,
        statistics.median(held) if held else None,
        flushes / events if events else None,
        busy,
    )


def wal_flushes(database_url: str) -> int:
    """How many times the server has flushed its write-ahead log to disk (every backend's
    and the WAL writer's, ``pg_stat_wal``): a commit waits for its flush, and one flush
    can carry several transactions' commits when they arrive together. A writer's
    counts reach the view when its process exits."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()[0]


def cpu_ticks() -> tuple[int, int]:
    """The machine's CPU time so far, (busy, all), in clock ticks (``/proc/stat``)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting for I/O
    return sum(fields) - idle, sum(fields)


def cpu_busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine's CPU time that was busy between two readings."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total if total else 0.0


def newest_event_id(database_url: str, count_after: int | None = None) -> int:
    """The trail's highest id; or, with ``count_after``, how many events came after it."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        if count_after is None:
            return conn.execute("SELECT coalesce(max(id), 0) FROM core_auditevent").fetchone()[0]
        return conn.execute(
            "SELECT count(*) FROM core_auditevent WHERE id > %s", [count_after]
        ).fetchone()[0]


def fresh_database(database_url: str) -> None:
    """Drop and create the benchmark database (its name must contain 'bench'); a plain
    message, no traceback, for a URL that is not PostgreSQL's or a server not there."""
    import scale  # beside this file

    scale.fresh_database(database_url)


# Per set-up, per case, per round: (events or actions per second, audit events per
# second, median ms the head stayed locked after the append or None, and where measured
# the write-ahead log's flushes per audit event and the share of the CPU busy).
Results = dict[str, dict[str, list[tuple]]]


@dataclass(frozen=True)
class Setup:
    """Writers of one kind: their name in the report, the database they write into, the
    writer script, its environment; ``actions``: real actions instead of bare events;
    ``alone``: also one writer alone."""

    name: str
    url: str
    script: Path
    env: dict = field(default_factory=dict)
    actions: bool = False
    alone: bool = True


def make_setups(args) -> tuple[list[Setup], Path | None]:
    """The set-ups of the run, and the compared tree's temporary worktree, if any."""
    this = Path(__file__)
    setups = [Setup("this tree", args.database_url, this)]
    if not args.no_actions:
        setups.append(Setup("this tree, actions", args.database_url, this, actions=True))
    tree = None
    if args.compare:
        tree = Path(f"/tmp/audit-writes-{os.getpid()}")
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.compare],
            check=True,
            capture_output=True,
        )
        before_url = f"{args.database_url}_before"
        before_schema(args.database_url, before_url, tree)
        before = [Setup(args.compare, before_url, tree / "bench" / "audit_writes.py")]
        if not args.no_actions:
            # This file's writers, with the compared tree's application code.
            root = {"AUDIT_BENCH_ROOT": str(tree)}
            before.append(Setup(f"{args.compare}, actions", before_url, this, root, True))
        setups[:0] = before
    if args.diagnose:
        async_env = {"AUDIT_BENCH_ASYNC_COMMIT": "1"}
        setups.append(Setup("async commit", args.database_url, this, async_env, alone=False))

    if args.hold_ms > 0:
        held_env = {"AUDIT_BENCH_HOLD_MS": str(args.hold_ms)}
        setups.append(
            Setup(f"held {args.hold_ms:g} ms", args.database_url, this, held_env, alone=False)
        )

    return setups, tree


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    import scale  # beside this file

    parser.add_argument(
        "--processes", type=scale.positive_int, default=2, help="writers at once (default: 2)"
    )
    parser.add_argument(
        "--seconds", type=float, default=10, help="length of each run (default: 10)"
    )
    parser.add_argument(
        "--rounds", type=scale.positive_int, default=3, help="runs of each set-up (default: 3)"
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help=f"PostgreSQL, dropped and made afresh; the name must contain 'bench' "
        f"(default: {DEFAULT_URL})",
    )
    parser.add_argument("--compare", metavar="REV", help="run REV's writers too, side by side")
    parser.add_argument("--diagnose", action="store_true", help="also with async commit")
    parser.add_argument(
        "--hold-ms",
        type=float,
        default=0,
        metavar="MS",
        help="also this tree's writers with each transaction kept open MS ms after the event",
    )
    parser.add_argument(
        "--no-actions",
        action="store_true",
        help="only the bare loop of audit.record() (no writers doing real actions)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        slug, seconds = argv[1], float(argv[2])
        print(writer(os.environ["DATABASE_URL"], slug, seconds))
        return 0
    if argv and argv[0] == "--child-actions":
        slug, group, seconds = argv[1], int(argv[2]), float(argv[3])
        print(actor(os.environ["DATABASE_URL"], slug, group, seconds))
        return 0
    args = parse_args(argv)

    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    from tessera.core.models import Clinic, Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Bench", country="SE")
    slugs = [f"bench-writes-{i}" for i in range(args.processes)]
    for slug in slugs:
        Clinic.objects.create(region=region, name=slug, slug=slug, country="SE", languages=["sv"])
    if not args.no_actions:
        crisis_contacts(slugs)
        make_people(slugs, args.processes)
    from django.db import connections

    connections.close_all()

    setups, tree = make_setups(args)

    results: Results = {s.name: {} for s in setups}
    loads = [os.getloadavg()[0]]
    try:
        for _ in range(args.rounds):
            for setup in setups:
                kinds = {
                    "one clinic": [slugs[0]] * args.processes,
                    "own clinics": slugs,
                }
                if setup.alone:
                    kinds["alone"] = [slugs[0]]
                for kind, which in kinds.items():
                    rates = run(
                        setup.url, which, args.seconds, setup.script, setup.env, setup.actions
                    )
                    results[setup.name].setdefault(kind, []).append(rates)
            loads.append(os.getloadavg()[0])
    finally:
        if tree is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
            )
    print(
        f"{args.processes} processes, {args.seconds:g} s per run, {args.rounds} rounds, "
        f"load average (1 min) {min(loads):.1f}-{max(loads):.1f}"
    )
    report(results, {s.name for s in setups if s.actions})
    if args.compare:
        side_by_side(results, args.compare)
    return check_chains(setups, args)


def check_chains(setups: list[Setup], args) -> int:
    """Verify every chain of each database written into; 1 when one does not hold."""
    failed = 0
    for url in dict.fromkeys(s.url for s in setups):
        name = args.compare if url != args.database_url else "this tree"
        breaks = chain_breaks(url)
        print(f"checks ({name}): {breaks[0]} events, {len(breaks[1])} breaks in the chains")
        if breaks[1]:
            print(
                f"CHECK FAILED: first break at event {breaks[1][0].event_id}: {breaks[1][0].reason}"
            )
            failed = 1
    return failed


def crisis_contacts(slugs: list[str]) -> None:
    """A crisis contact for each clinic: a clinic without one takes no patients."""
    from tessera.core.models import Clinic, CrisisContact

    for clinic in Clinic.objects.filter(slug__in=slugs):
        CrisisContact.objects.create(
            clinic=clinic, position=0, language="sv", label="112", phone="112"
        )


def ratio(own: list[float], one: list[float]) -> tuple[float, list[float], float]:
    """Own clinics / one clinic: the median of the rounds' ratios, the ratios, and the
    ratio of the medians."""
    ratios = [a / b for a, b in zip(own, one, strict=True)]
    return (
        statistics.median(ratios),
        ratios,
        statistics.median(own) / statistics.median(one),
    )


def report(results: Results, with_actions: set[str] = frozenset()) -> None:
    """Per set-up: events (or actions) per second of each case, the audit events per
    second beside the actions, and the ratio own / one clinic per round."""
    for name, kinds in results.items():
        unit = "actions/s" if name in with_actions else "events/s"
        print(f"{name}:")
        for kind, rates in kinds.items():
            units = [r[0] for r in rates]
            each = ", ".join(f"{x:.0f}" for x in units)
            events = ""
            if name in with_actions:
                events = f"  {statistics.median(r[1] for r in rates):8.1f} events/s"
                events += f", head held {held_ms(rates):.2f} ms after the append"
            print(f"  {kind:12} {statistics.median(units):8.1f} {unit}{events}  (runs: {each})")
            if all(len(r) > 4 and r[3] is not None for r in rates):
                flushes = statistics.median(r[3] for r in rates)
                busy = statistics.median(r[4] for r in rates)
                print(
                    f"  {'':12} {flushes:.2f} log flushes per event, "
                    f"CPU {busy:.0%} busy (medians of runs)"
                )
        median, ratios, of_medians = ratio(
            [r[0] for r in kinds["own clinics"]], [r[0] for r in kinds["one clinic"]]
        )
        each = ", ".join(f"{x:.2f}" for x in ratios)
        print(
            f"  own clinics / one clinic: median of rounds ×{median:.2f} "
            f"(rounds: {each}; ratio of medians ×{of_medians:.2f}; target ×1.5)"
        )


def held_ms(rates: list[tuple]) -> float:
    """The median over the rounds of the writers' median hold of the head, in ms."""
    return statistics.median(r[2] for r in rates)


def side_by_side(results: Results, rev: str, out=None) -> None:
    """REV and this tree in columns, for the bare loop and for the actions: medians of
    the rounds, and this tree / REV."""
    out = out or sys.stdout
    print(f"\n| | {rev} | this tree | this tree / {rev} |", file=out)
    print("|---|---|---|---|", file=out)
    for suffix, unit in (("", "events/s"), (", actions", "actions/s")):
        before, after = results.get(f"{rev}{suffix}"), results.get(f"this tree{suffix}")
        if not before or not after:
            continue
        label = "bare loop" if not suffix else "actions"
        for kind in ("alone", "one clinic", "own clinics"):
            if kind in before and kind in after:
                a = statistics.median(r[0] for r in before[kind])
                b = statistics.median(r[0] for r in after[kind])
                print(f"| {label}, {kind} ({unit}) | {a:.1f} | {b:.1f} | ×{b / a:.2f} |", file=out)
        if suffix:
            a, b = held_ms(before["one clinic"]), held_ms(after["one clinic"])
            print(
                f"| actions, one clinic: head held after the append (ms) | {a:.2f} | {b:.2f} "
                f"| ×{b / a:.2f} |",
                file=out,
            )
        ra = ratio([r[0] for r in before["own clinics"]], [r[0] for r in before["one clinic"]])
        rb = ratio([r[0] for r in after["own clinics"]], [r[0] for r in after["one clinic"]])
        print(
            f"| {label}, own / one (median of rounds) | ×{ra[0]:.2f} | ×{rb[0]:.2f} | |", file=out
        )


def chain_breaks(database_url: str):
    """Events and breaks of the trail in that database (this tree's verifier)."""
    from django.db import connections

    from tessera.core import audit
    from tessera.core.models import AuditEvent

    connections.close_all()
    connections["default"].settings_dict["NAME"] = database_url.rsplit("/", 1)[1]
    return AuditEvent.objects.count(), list(audit.verify_chain())


def before_schema(after_url: str, before_url: str, tree: Path) -> None:
    """A copy of the bench database (its clinics, staff and patients included) for the
    compared tree's writers; with the audit indexes as they were before core 0022 (its
    reverse) when the compared tree is older than that migration. The compared tree must
    otherwise have this tree's schema."""
    import psycopg

    base, after = after_url.rsplit("/", 1)
    before = before_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{before}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{before}" TEMPLATE "{after}"')
    if any((tree / "tessera" / "core" / "migrations").glob("0022_*.py")):
        return
    with psycopg.connect(before_url, autocommit=True) as conn:
        for name, columns in {
            "core_auditevent_clinic_id_69114966": "clinic_id",
            "core_auditevent_patient_id_8ca2b662": "patient_id",
            "core_auditevent_action_b3c9b7a8": "action",
            "core_auditevent_hash_f08202aa_like": "hash varchar_pattern_ops",
        }.items():
            conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON core_auditevent ({columns})")


if __name__ == "__main__":
    sys.exit(main())
