"""CPU of the inbox's "time left" column: the old day-by-day walk against the cached
working calendar, in the same run.

A request of the therapist's inbox asks ``inbox.timing.due`` once per row waiting for a
reply. This replays that for a caseload of ``--rows`` rows (default 30) spread over the
last two weeks, at three clinics in different time zones and countries, for ``--requests``
requests, first through the old walk (``tests/core/working_time_walk.py``, the code as it
was) and then through ``core.working_time``, and prints the median ms per request of each
and their ratio. ``--profile`` prints the top of a cProfile of one old and one new request.
The answers of both are compared row by row; the run fails if any differs.

    .venv/bin/python bench/working_time_cpu.py [--rows 30] [--requests 50] [--profile]
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "core"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")

import django  # noqa: E402

django.setup()

import working_time_walk as walk  # noqa: E402

from tessera.core import working_time  # noqa: E402
from tessera.inbox import timing  # noqa: E402

CLINICS = [
    SimpleNamespace(
        country=country,
        time_zone=tz,
        working_days=days,
        opens_at=dt.time(8),
        closes_at=dt.time(16),
        response_target_hours=16,
    )
    for country, tz, days in [
        ("SE", "Europe/Stockholm", "12345"),
        ("NL", "Europe/Amsterdam", "1234"),
        ("GB-SCT", "Europe/London", "12345"),
    ]
]


def rows(count: int, now: dt.datetime, seed: int = 1) -> list[tuple]:
    rng = random.Random(seed)
    return [
        (rng.choice(CLINICS), now - dt.timedelta(seconds=rng.randint(0, 14 * 86400)))
        for _ in range(count)
    ]


def one_request(batch, now) -> list:
    return [timing.due(clinic, since, now) for clinic, since in batch]


def old_walk():
    """``timing`` and ``working_time`` answering through the old walk."""
    return mock.patch.multiple(
        working_time, working_seconds=walk.working_seconds, add_working_time=walk.add_working_time
    ), mock.patch.multiple(
        timing,
        working_seconds=walk.working_seconds,
        response_deadline=lambda c, s: walk.add_working_time(c, s, c.response_target_hours * 3600),
    )


def timed(batch, now, requests: int) -> tuple[float, list]:
    cpus = []
    for _ in range(requests):
        start = time.process_time()
        answer = one_request(batch, now)
        cpus.append((time.process_time() - start) * 1000)
    return statistics.median(cpus), answer


def profile(label: str, batch, now) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(one_request, batch, now)
    print(f"--- cProfile, {label} ---")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(8)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    now = dt.datetime(2026, 12, 4, 13, 30, tzinfo=dt.UTC)
    batch = rows(args.rows, now)
    patches = old_walk()
    with patches[0], patches[1]:
        before, old_answers = timed(batch, now, args.requests)
        if args.profile:
            profile("old walk", batch, now)
    after, new_answers = timed(batch, now, args.requests)
    if args.profile:
        profile("cached calendar", batch, now)
    if old_answers != new_answers:
        print("the answers differ", file=sys.stderr)
        return 1
    print(f"rows per request: {args.rows}, requests: {args.requests} (median CPU ms per request)")
    print(f"old walk  {before:8.2f} ms")
    print(f"cached    {after:8.2f} ms")
    print(f"ratio     {before / after:8.1f} x  (answers identical: {len(new_answers)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
