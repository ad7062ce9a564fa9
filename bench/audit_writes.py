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
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    while time.time() < start_at:
        time.sleep(0.005)
    end = start_at + seconds
    written = 0
    while time.time() < end:
        audit.record("audit.searched", clinic=clinic, purpose="audit", changes={"n": written})
        written += 1
    return written


def run(database_url: str, slugs: list[str], seconds: float) -> float:
    """Start one writer per slug at the same moment; events per second, all together.
    (The moment is set once every writer has imported Django, however busy the machine.)"""
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", slug, str(seconds)],
            env={**os.environ, "DATABASE_URL": database_url},
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
    import psycopg

    base, name = database_url.rsplit("/", 1)
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database needs 'bench'")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        slug, seconds = argv[1], float(argv[2])
        print(writer(os.environ["DATABASE_URL"], slug, seconds))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args(argv)

    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    from tessera.core import audit
    from tessera.core.models import AuditEvent, Clinic, Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Bench", country="SE")
    slugs = [f"bench-writes-{i}" for i in range(args.processes)]
    for slug in slugs:
        Clinic.objects.create(region=region, name=slug, slug=slug, country="SE", languages=["sv"])
    from django.db import connections

    connections.close_all()

    one, own = [], []
    for _ in range(args.rounds):
        one.append(run(args.database_url, [slugs[0]] * args.processes, args.seconds))
        own.append(run(args.database_url, slugs, args.seconds))
    load = os.getloadavg()[0]
    runs = {"one clinic": one, "own clinics": own}
    print(f"{args.processes} processes, {args.seconds:g} s per run, load {load:.1f}")
    for name, rates in runs.items():
        each = ", ".join(f"{x:.0f}" for x in rates)
        print(f"{name:12} {statistics.median(rates):8.1f} events/s  (runs: {each})")
    ratio = statistics.median(own) / statistics.median(one)
    print(f"own clinics / one clinic: ×{ratio:.2f} (target ×1.5)")
    breaks = list(audit.verify_chain())
    print(f"checks: {AuditEvent.objects.count()} events, {len(breaks)} breaks in the chains")
    if breaks:
        print(f"CHECK FAILED: first break at event {breaks[0].event_id}: {breaks[0].reason}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
