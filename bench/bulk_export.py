"""Benchmark: the Bulk Data export (tessera.fhir.bulk.build) at two sizes, with 1 and 2
parallel workers side by side.

    python bench/bulk_export.py [--episodes 2000] [--batch 500] [--workers 1] [--workdir DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \
        python bench/bulk_export.py --episodes 25000 --workers 1,2   # 25k and 100k

Unlike the other benchmarks here this one needs Django and a database: by default a
fresh SQLite file in a temporary directory (migrated first; one worker only, since
SQLite has one writer), or the database named by DATABASE_URL (it must be empty; the
script adds rows and does not remove them). It writes N and 4N episodes (each with a
patient, two scored questionnaires and two messages) with bulk_create, registers a
client for the region, and for each size and each worker count runs the real export of
everything: the job is split into ``--parts`` parts (``build.start``) and W worker
processes (``build.work``, the code the task worker runs) claim the parts.

Per run it prints the wall time, episodes and NDJSON lines (resources) per second, the
largest peak RSS of the worker processes (ru_maxrss: the interpreter and Django plus one
batch), and on PostgreSQL the database pages (8 kB blocks, hit or read) the export
touched, from pg_stat_database. Every run's files are checked: the same lines per type
for every worker count, and no resource id twice within a type. With ``--traced`` the
workers also run under tracemalloc and report the peak Python memory the export
allocated (slower).

The verdict is the ratio for x4 the episodes, per worker count: peak memory (near 1: a
batch, not the export, is held) and pages per episode (near 1: linear). The script exits
1 when either ratio is above 1.5 or the files differ.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
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


def populate_copies(count: int, start: int) -> None:
    """PostgreSQL, for the large sizes: ``count`` more episodes as copies of the first
    bench patient's rows (its patient, episode, two questionnaires and two messages),
    written by INSERT ... SELECT generate_series in chunks of 100,000, with new names
    and submission keys: the same rows bulk_create would write, about ten times faster.
    Needs the first chunk written by ``populate``."""
    from django.db import connection, transaction

    from tessera.core.models import Episode, Patient
    from tessera.messaging.models import Message
    from tessera.treatment.models import Response

    def columns(model, skip=()):
        return [
            f.column
            for f in model._meta.concrete_fields
            if not f.primary_key and f.column not in skip
        ]

    template = Episode.objects.order_by("pk").first()
    for first in range(0, count, 100_000):
        size = min(100_000, count - first)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_patient")
            patient_floor = cursor.fetchone()[0]
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM treatment_episode")
            episode_floor = cursor.fetchone()[0]
            cols = columns(Patient, {"last_name"})
            cursor.execute(
                f"INSERT INTO core_patient ({', '.join(cols)}, last_name) "
                f"SELECT {', '.join('t.' + c for c in cols)}, 'P' || g "
                "FROM generate_series(%s, %s) g, core_patient t WHERE t.id = %s ORDER BY g",
                [start + first, start + first + size - 1, template.patient_id],
            )
            cols = columns(Episode, {"patient_id", "patient_last_name"})
            cursor.execute(
                f"INSERT INTO treatment_episode ({', '.join(cols)}, patient_id, patient_last_name) "
                f"SELECT {', '.join('t.' + c for c in cols)}, p.id, p.last_name "
                "FROM core_patient p, treatment_episode t WHERE p.id > %s AND t.id = %s "
                "ORDER BY p.id",
                [patient_floor, template.pk],
            )
            for model in (Response, Message):
                table = model._meta.db_table
                cols = columns(model, {"episode_id", "submission_key"})
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}, episode_id, submission_key) "
                    f"SELECT {', '.join('t.' + c for c in cols)}, e.id, gen_random_uuid() "
                    f"FROM treatment_episode e, {table} t WHERE e.id > %s AND t.episode_id = %s "
                    "ORDER BY e.id, t.id",
                    [episode_floor, template.pk],
                )
        print(f"  {start + first + size} episodes", flush=True)


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


def worker(job_id: str, batch: int, traced: bool, profile: str | None = None) -> int:
    """One worker process: ``build.work`` on the job, then its peak memory as JSON
    (with ``profile``, cProfile's statistics of the work are written to that file)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    import django

    django.setup()
    from tessera.fhir.bulk import build

    if traced:
        tracemalloc.start()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    status = build.work(job_id, batch_size=batch)
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{os.getpid()}")
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"status": status, "seconds": seconds, "rss_kb": rss_kb, "traced": peak}))
    return 0


def _lines(job) -> tuple[dict, int]:
    """Lines per resource type over the job's files, and how many ids came twice."""
    from tessera.fhir.bulk import build

    counts, twice = {}, 0
    for kind in build.TYPES:
        seen, lines = set(), 0
        for row in job.files.filter(resource_type=kind):
            with build.file_path(job, row.name).open(encoding="utf-8") as handle:
                for line in handle:
                    key = json.loads(line)["id"]
                    twice += key in seen
                    seen.add(key)
                    lines += 1
        if lines:
            counts[kind] = lines
    return counts, twice


def _digest(job) -> dict[str, str]:
    """Each of the job's files by name: the SHA-256 of its bytes."""
    import hashlib

    from tessera.fhir.bulk import build

    found = {}
    for row in job.files.all():
        digest = hashlib.sha256()
        with build.file_path(job, row.name).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        found[row.name] = digest.hexdigest()
    return found


def export(
    client,
    batch: int,
    workers: int,
    parts: int,
    traced: bool,
    *,
    script: Path | None = None,
    profile: str | None = None,
    every: float = 0,
) -> dict:
    """One export of everything by ``workers`` worker processes running ``script`` (this
    file, or the same file of an older tree: ``--baseline``). With ``every``, progress
    is printed every that many seconds while the workers run."""
    from django.conf import settings

    from tessera.fhir.bulk import build
    from tessera.fhir.models import ExportJob

    job = ExportJob.objects.create(
        client=client, types=build.DEFAULT_TYPES, request_url="http://bench/fhir/$export"
    )
    episodes = build.job_episodes(job).count()
    settings.TESSERA_FHIR_EXPORT_PART_EPISODES = -(-episodes // parts)
    settings.TESSERA_FHIR_EXPORT_PARTS_MAX = parts
    pages_before = pages_touched()
    started = time.perf_counter()
    build.start(job.pk)
    command = [
        sys.executable,
        str(script or __file__),
        "--worker",
        str(job.pk),
        "--batch",
        str(batch),
    ]
    if traced:
        command.append("--traced")
    if profile:
        command += ["--profile", profile]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    print(f"  workers {' '.join(str(p.pid) for p in procs)}", flush=True)
    if every:
        while any(proc.poll() is None for proc in procs):
            time.sleep(1)
            elapsed = time.perf_counter() - started
            if elapsed // every != (elapsed - 1) // every:
                done, total, count = build.progress(job)
                print(
                    f"  {elapsed:7.0f} s  {done} of {total} parts  {count} episodes  "
                    f"{count / elapsed:5.0f} episodes/s",
                    flush=True,
                )
    reports = [json.loads(proc.communicate()[0].strip().splitlines()[-1]) for proc in procs]
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    pages_after = pages_touched()
    job.refresh_from_db()
    assert job.status == "done", (job.status, reports)
    counts, twice = _lines(job)
    digests = _digest(job)
    lines = sum(f.count for f in job.files.all())
    build.cancel(job)
    return {
        "seconds": seconds,
        "lines": lines,
        "counts": counts,
        "twice": twice,
        "digests": digests,
        "rss": max(r["rss_kb"] for r in reports) * 1024,
        # the workers' own CPU time (start-up included), not the database's
        "cpu": cpu,
        "traced": max(r["traced"] or 0 for r in reports),
        "pages": None if pages_before is None else pages_after - pages_before,
    }


def _report(size: int, workers: int, r: dict, label: str, traced: bool) -> None:
    touched = f"  {r['pages'] / size:6.1f} pages/ep" if r["pages"] is not None else ""
    memory = f"  traced {r['traced'] / 1e6:6.1f} MB" if traced else ""
    print(
        f"{size:>9} episodes  {workers} worker(s){label}  {r['seconds']:8.1f} s  "
        f"{size / r['seconds']:7.0f} episodes/s  {r['lines'] / r['seconds']:7.0f} lines/s  "
        f"worker CPU {1000 * r['cpu'] / size:5.2f} ms/ep  "
        f"rss {r['rss'] / 1e6:6.1f} MB{memory}{touched}  "
        f"{r['lines']} lines, {r['twice']} ids twice",
        flush=True,
    )


def _bench_world(existing: bool):
    """The bench region, clinic, user and client: new, or those an earlier
    --build-only wrote; and how many episodes there are already."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    from tessera.core.actions import do_create_clinic, do_create_region
    from tessera.core.models import Clinic, Episode, User
    from tessera.fhir.actions import do_register_system_client
    from tessera.fhir.models import SystemClient

    made = 0
    if existing:
        client = SystemClient.objects.get(name="Bench EHR")
        region = client.region
        clinic = Clinic.objects.get(region=region)
        user = User.objects.get(email__startswith="bench-")
        made = Episode.objects.count()
    else:
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
        public = json.loads(
            ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()).public_key())
        )
        client = do_register_system_client(
            name="Bench EHR",
            jwks={"keys": [{**public, "kid": "k"}]},
            scope="system/*.rs",
            region=region,
        )
    return region, clinic, user, client, made


def _measure(client, size: int, workers: int, args) -> tuple[dict, bool]:
    """One size and worker count: the export (after the baseline's, with --baseline);
    its result, and whether its files are the baseline's bytes (True without one)."""
    before = None
    if args.baseline:
        before = export(
            client,
            args.batch,
            workers,
            args.parts,
            args.traced,
            script=args.baseline / "bench" / "bulk_export.py",
            every=args.every,
        )
        _report(size, workers, before, " before", args.traced)
    r = export(
        client,
        args.batch,
        workers,
        args.parts,
        args.traced,
        profile=args.profile,
        every=args.every,
    )
    _report(size, workers, r, " now" if before else "", args.traced)
    if before is None:
        return r, True
    same = before["digests"] == r["digests"]
    print(
        f"{size:>9} episodes  {workers} worker(s)  now / before: "
        f"x{before['seconds'] / r['seconds']:.2f} episodes/s, "
        f"x{before['cpu'] / r['cpu']:.2f} less worker CPU, "
        f"x{r['rss'] / before['rss']:.2f} peak rss; "
        + (
            f"the {len(r['digests'])} files are byte for byte the same"
            if same
            else "THE FILES DIFFER"
        ),
        flush=True,
    )
    return r, same


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--sizes", help="episode counts instead of N and 4N, e.g. 5000,100000")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", default="1", help="worker counts to compare, e.g. 1,2")
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--build-only", action="store_true", help="write the last size's rows and stop"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="export the rows an earlier --build-only wrote (the database's one bench region)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an older tree (git archive COMMIT | tar -x -C DIR): each export runs first "
        "with its workers, then with these, and the files must be the same bytes",
    )
    parser.add_argument(
        "--every", type=float, default=0, help="print progress every that many seconds"
    )
    parser.add_argument(
        "--profile", help="write each worker's cProfile statistics to PROFILE.<pid>"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.batch, args.traced, args.profile)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tessera-bulk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup(workdir)

    region, clinic, user, client, made = _bench_world(args.existing)
    worker_counts = [int(w) for w in args.workers.split(",")]
    results = {}
    ok = True
    print(f"batch {args.batch}, {args.parts} parts; rss = largest worker's peak RSS")
    sizes = (
        [int(n) for n in args.sizes.split(",")]
        if args.sizes
        else [args.episodes, args.episodes * 4]
    )
    if args.existing:
        sizes = [made]
    for size in sizes:
        started = time.perf_counter()
        if size > made:
            if made == 0:
                populate(region, clinic, user, min(size, 2000), 0)
                made = min(size, 2000)
            if pages_touched() is not None:  # PostgreSQL
                populate_copies(size - made, made)
            else:
                populate(region, clinic, user, size - made, made)
            made = size
            analyse()
            print(
                f"{size:>9} episodes written in {time.perf_counter() - started:.0f} s", flush=True
            )
        if args.build_only:
            continue
        for workers in worker_counts:
            results[size, workers], same = _measure(client, size, workers, args)
            ok &= same and results[size, workers]["twice"] == 0
            ok &= results[size, workers]["counts"] == results[size, worker_counts[0]]["counts"]
    if args.build_only:
        return 0
    small, large = sizes[0], sizes[-1]
    for workers in worker_counts:
        s_, l_ = results[small, workers], results[large, workers]
        line = f"{workers} worker(s), x{large / small:g} the episodes: "
        line += f"peak rss x{l_['rss'] / s_['rss']:.2f}"
        ok &= l_["rss"] / s_["rss"] <= 1.5
        if s_["pages"] is not None:
            ratio = (l_["pages"] / large) / (s_["pages"] / small)
            line += f", pages per episode x{ratio:.2f}"
            ok &= ratio <= 1.5
        hours = 1_000_000 * l_["seconds"] / large / 3600
        print(f"{line}; 1,000,000 episodes at this rate: about {hours:.1f} h")
    print("files identical for every worker count, no id twice" if ok else "CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
