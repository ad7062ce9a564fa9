"""Audited writes from several processes: do clinics wait for each other?

    python bench/audit_writes.py                 # 2 processes, 10 s per run, 3 rounds
    python bench/audit_writes.py --processes 4 --seconds 5

Needs PostgreSQL (``--database-url``, default a database ``tessera_audit_bench`` on
127.0.0.1, dropped and created afresh, migrated). Each process signs no one in: it
calls ``audit.record()`` in a loop, one transaction per event, for ``--seconds``. Two
set-ups alternate ``--rounds`` times:

- ``one clinic``: every process writes into the same clinic's chain (they take turns
  on its head row);
- ``own clinics``: each process writes into a clinic of its own.

It prints events per second for each and the ratio own / one (target ≥ 1.5 with two
processes on two cores), then checks the whole trail with ``verify_chain()``: every
chain, the shared one included, must hold after the concurrent writes.

``--compare REV`` runs REV's writers too, in the same rounds (REV checked out into a
temporary git worktree, writing into a copy of the database with REV's audit indexes),
and one writer alone in each tree (single-process events per second). ``--diagnose``
adds this tree's writers with ``synchronous_commit = off`` in their sessions: not a
setting to run with (a crash may lose the last commits), but it shows how much of a
chain's turn is the wait for the write-ahead log's flush to disk (decision 0054).
``--hold-ms MS`` adds this tree's writers with each event's transaction kept open MS
milliseconds after ``record()``, as an action's later statements keep it (``message.sent``
is followed by its notifications and the first-look note, each a round trip to a database
server on another machine): the clinic's head row stays locked that long. On a quiet
2-core machine the plain loop is bound by the CPU (a writer and its server process use a
core between them), so it cannot show waiting; held transactions show whether writers in
different clinics wait for each other and writers in one clinic take turns.
Raise the run's CPU priority on a shared machine (``echo -10 > /proc/PID/autogroup``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_audit_bench"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


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


def run(
    database_url: str,
    slugs: list[str],
    seconds: float,
    script: Path = Path(__file__),
    extra_env: dict | None = None,
) -> float:
    """Start one writer per slug at the same moment; events per second, all together.
    (The moment is set once every writer has imported Django, however busy the machine.)
    ``script``: this file, or the compared tree's."""
    children = [
        subprocess.Popen(
            [sys.executable, str(script), "--child", slug, str(seconds)],
            env={**os.environ, "DATABASE_URL": database_url, **(extra_env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for slug in slugs
    ]
    for child in children:
        if child.stdout.readline().strip() != "ready":
            raise SystemExit("a writer failed before it was ready")
    start_at = time.time() + 0.5
    total = 0
    for child in children:
        child.stdin.write(f"{start_at}\n")
        child.stdin.flush()
    for child in children:
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"a writer failed (exit {child.returncode})")
        total += int(out.strip().splitlines()[-1])
    return total / seconds


def fresh_database(database_url: str) -> None:
    """Drop and create the benchmark database (its name must contain 'bench'); a plain
    message, no traceback, for a URL that is not PostgreSQL's or a server not there."""
    import scale  # beside this file

    scale.fresh_database(database_url)


def make_setups(args) -> tuple[list, Path | None]:
    """Each set-up: (name, database, writer script, environment); and the compared
    tree's temporary worktree, if any."""
    setups = [("this tree", args.database_url, Path(__file__), {})]
    tree = None
    if args.compare:
        tree = Path(f"/tmp/audit-writes-{os.getpid()}")
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.compare],
            check=True,
            capture_output=True,
        )
        before_url = f"{args.database_url}_before"
        before_schema(args.database_url, before_url)
        setups.insert(0, (args.compare, before_url, tree / "bench" / "audit_writes.py", {}))
    if args.diagnose:
        async_env = {"AUDIT_BENCH_ASYNC_COMMIT": "1"}
        setups.append(("async commit", args.database_url, Path(__file__), async_env))

    if args.hold_ms > 0:
        held_env = {"AUDIT_BENCH_HOLD_MS": str(args.hold_ms)}
        setups.append((f"held {args.hold_ms:g} ms", args.database_url, Path(__file__), held_env))

    return setups, tree


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        slug, seconds = argv[1], float(argv[2])
        print(writer(os.environ["DATABASE_URL"], slug, seconds))
        return 0
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
    args = parser.parse_args(argv)

    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    from tessera.core.models import Clinic, Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Bench", country="SE")
    slugs = [f"bench-writes-{i}" for i in range(args.processes)]
    for slug in slugs:
        Clinic.objects.create(region=region, name=slug, slug=slug, country="SE", languages=["sv"])
    from django.db import connections

    connections.close_all()

    setups, tree = make_setups(args)

    results: dict[str, dict[str, list[float]]] = {name: {} for name, *_ in setups}
    loads = [os.getloadavg()[0]]
    try:
        for _ in range(args.rounds):
            for name, url, script, env in setups:
                kinds = {
                    "one clinic": [slugs[0]] * args.processes,
                    "own clinics": slugs,
                }
                if env == {}:
                    kinds["alone"] = [slugs[0]]
                for kind, which in kinds.items():
                    rate = run(url, which, args.seconds, script, env)
                    results[name].setdefault(kind, []).append(rate)
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
    report(results)
    failed = 0
    for name, url, *_ in setups[: 2 if args.compare else 1]:
        breaks = chain_breaks(url)
        print(f"checks ({name}): {breaks[0]} events, {len(breaks[1])} breaks in the chains")
        if breaks[1]:
            print(
                f"CHECK FAILED: first break at event {breaks[1][0].event_id}: {breaks[1][0].reason}"
            )
            failed = 1
    return failed


def report(results: dict[str, dict[str, list[float]]]) -> None:
    """Events per second of each set-up, and the ratio own / one clinic per round."""
    for name, kinds in results.items():
        print(f"{name}:")
        for kind, rates in kinds.items():
            each = ", ".join(f"{x:.0f}" for x in rates)
            print(f"  {kind:12} {statistics.median(rates):8.1f} events/s  (runs: {each})")
        own, one = kinds["own clinics"], kinds["one clinic"]
        ratios = [a / b for a, b in zip(own, one, strict=True)]
        each = ", ".join(f"{x:.2f}" for x in ratios)
        of_medians = statistics.median(own) / statistics.median(one)
        print(
            f"  own clinics / one clinic: median of rounds ×{statistics.median(ratios):.2f} "
            f"(rounds: {each}; ratio of medians ×{of_medians:.2f}; target ×1.5)"
        )


def chain_breaks(database_url: str):
    """Events and breaks of the trail in that database (this tree's verifier)."""
    from django.db import connections

    from tessera.core import audit
    from tessera.core.models import AuditEvent

    connections.close_all()
    connections["default"].settings_dict["NAME"] = database_url.rsplit("/", 1)[1]
    return AuditEvent.objects.count(), list(audit.verify_chain())


def before_schema(after_url: str, before_url: str) -> None:
    """A copy of the bench database with the audit indexes as they were before core 0022
    (its reverse), for the compared tree's writers."""
    import psycopg

    base, after = after_url.rsplit("/", 1)
    before = before_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{before}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{before}" TEMPLATE "{after}"')
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
