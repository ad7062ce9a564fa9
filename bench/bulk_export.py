"""Benchmark: the Bulk Data export (tessera.fhir.bulk.build.run) at two sizes, side by side.

    python bench/bulk_export.py [--episodes 2000] [--batch 500] [--workdir DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \
        python bench/bulk_export.py --episodes 1000000      # the region of the issue

Unlike the other benchmarks here this one needs Django and a database: by default a
fresh SQLite file in a temporary directory (migrated first), or the database named by
DATABASE_URL (it must be empty; the script adds rows and does not remove them). It
writes N and 4N episodes (each with a patient, two scored questionnaires and two
messages) with bulk_create, registers a client for the region, and runs the real export
of everything, twice per size:

  timed     without tracing: episodes per second and NDJSON lines (resources) per second;
  traced    under tracemalloc: the peak Python memory the export allocated.

  pages     on PostgreSQL, the database pages (8 kB blocks, hit or read) the timed
            export touched, from pg_stat_database: per episode they must stay flat,
            since keyset batches read only their own rows.

Printed: both sizes, their rates, and the ratios for x4 the episodes: peak memory (R
close to 1: a batch, not the export, is held; near 4: the export grows with the data),
seconds per episode and pages per episode (close to 1: linear), and the time a region of
1,000,000 episodes would take at the larger size's rate. The script exits 1 when the
memory ratio is above 1.5 or the pages-per-episode ratio above 1.5.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def setup(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    os.environ.setdefault("TESSERA_FHIR_EXPORT_DIR", str(workdir / "exports"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(region, clinic, user, count: int, start: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from tessera.core.models import Episode, Patient
    from tessera.messaging.models import Message
    from tessera.treatment.models import Response

    now = timezone.now()
    for first in range(0, count, 2000):
        size = min(2000, count - first)
        patients = Patient.objects.bulk_create(
            Patient(
                first_name="Bench",
                last_name=f"P{start + first + i}",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=(first + i) % 9000),
            )
            for i in range(size)
        )
        episodes = Episode.objects.bulk_create(
            Episode(patient=p, clinic=clinic, status="active", started_on=now.date())
            for p in patients
        )
        Response.objects.bulk_create(
            Response(
                episode=e,
                instrument=code,
                instrument_version="1",
                language="en",
                answers={str(n): 1 for n in range(1, items + 1)},
                total=items,
                result={},
                submitted_at=now,
                submitted_by=user,
                submission_key=uuid.uuid4(),
            )
            for e in episodes
            for code, items in (("PHQ-9", 9), ("GAD-7", 7))
        )
        Message.objects.bulk_create(
            Message(
                episode=e,
                author=user,
                from_patient=bool(k),
                body="bench",
                sent_at=now,
                submission_key=uuid.uuid4(),
            )
            for e in episodes
            for k in range(2)
        )


def analyse() -> None:
    """Fresh planner statistics after the bulk inserts (autovacuum would, later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def pages_touched() -> int | None:
    """Buffer hits + reads of this database so far (PostgreSQL), after flushing this
    backend's pending statistics; None on other databases."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def export(client, batch: int, *, traced: bool) -> tuple[float, int, int, int | None]:
    from tessera.fhir.bulk import build
    from tessera.fhir.models import ExportJob

    job = ExportJob.objects.create(
        client=client, types=build.DEFAULT_TYPES, request_url="http://bench/fhir/$export"
    )
    if traced:
        tracemalloc.start()
    pages_before = pages_touched()
    started = time.perf_counter()
    status = build.run(job.pk, batch_size=batch)
    seconds = time.perf_counter() - started
    pages_after = pages_touched()
    pages = None if pages_before is None else pages_after - pages_before
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert status == "done", status
    lines = sum(f.count for f in job.files.all())
    build.cancel(job)
    return seconds, lines, peak, pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tessera-bulk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup(workdir)

    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    from tessera.core.actions import do_create_clinic, do_create_region
    from tessera.core.models import User
    from tessera.fhir.actions import do_register_system_client

    region = do_create_region(name=f"Bench {uuid.uuid4().hex[:6]}", country="SE")
    clinic = do_create_clinic(
        region=region,
        name="Bench clinic",
        slug=f"bench-{uuid.uuid4().hex[:6]}",
        country="SE",
        languages=["en"],
        time_zone="Europe/Stockholm",
    )
    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:6]}@bench.test")
    import json

    public = json.loads(ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()).public_key()))
    client = do_register_system_client(
        name="Bench EHR",
        jwks={"keys": [{**public, "kid": "k"}]},
        scope="system/*.rs",
        region=region,
    )
    results = []
    made = 0
    for size in (args.episodes, args.episodes * 4):
        populate(region, clinic, user, size - made, made)
        made = size
        analyse()
        seconds, lines, _, pages = export(client, args.batch, traced=False)
        _, _, peak, _ = export(client, args.batch, traced=True)
        results.append((size, seconds, lines, peak, pages))
        touched = f"  {pages / size:6.1f} pages/episode" if pages is not None else ""
        print(
            f"{size:>9} episodes  {seconds:8.1f} s  {size / seconds:8.0f} episodes/s  "
            f"{lines / seconds:8.0f} resources/s  peak {peak / 1e6:7.1f} MB (traced){touched}"
        )
    (small, s_sec, _l, s_peak, s_pages), (large, l_sec, _l2, l_peak, l_pages) = results
    ratio = l_peak / s_peak
    print(f"for x4 the episodes (batch {args.batch}):")
    print(f"  peak memory x{ratio:.2f}")
    print(f"  seconds per episode x{(l_sec / large) / (s_sec / small):.2f}")
    page_ratio = None
    if s_pages is not None:
        page_ratio = (l_pages / large) / (s_pages / small)
        print(f"  pages per episode x{page_ratio:.2f}")
    hours = 1_000_000 * l_sec / large / 3600
    print(f"1,000,000 episodes at the larger size's rate: about {hours:.1f} hours")
    return 0 if ratio <= 1.5 and (page_ratio is None or page_ratio <= 1.5) else 1


if __name__ == "__main__":
    sys.exit(main())
