"""Instructions per request of the patient home against the patient's bare signed-in
view, counted by valgrind's callgrind: a measure that another process on the machine
does not move (issue 16, bench/README.md, 2026-12-06, tenth session).

    python bench/instructions.py --database-url postgres://.../tessera_x_bench
    python bench/instructions.py --database-url ... --requests 40 --rounds 2
    python bench/instructions.py --database-url ... --compare main   # before and after

The database must hold the demo (``seed_demo``, or one made by ``scale.py`` or
``load.py``); nothing is written but the pages' own writes. The script runs itself under
``valgrind --tool=callgrind`` with the counting off while Django starts; in the child,
each page is requested a few times to warm up, then counting is switched on for
``--requests`` requests of that page alone (a small library built with valgrind's
``callgrind.h`` gives Python the client requests: zero the counts, count, dump them
under the page's name). Requests per page alternate over the demo's patients as the
load test's users do. Printed: instructions per request of each page (this process
only: Python, templates, the database driver; not PostgreSQL or Redis), and the home
against the bare view. Repeated runs give the same counts to within a fraction of a
per cent, where time on this shared machine moves by tens of per cent between runs.
``--compare REV`` checks REV out into a temporary git worktree (its messages compiled)
and counts its pages too, in a run of its own, on the same database (REV must need no
other migration): each page's instructions before and after, and the home against the
bare view in each tree. Slow: valgrind runs Python about fifty times slower while it
counts.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

PAGES = [("bare signed-in view (patient)", "/bench/bare/"), ("patient home", "/")]
PATIENTS = ["patient", "patient2", "patient3", "patient5", "patient7"]  # as load.py's
WARMUP = 3  # requests of each page and patient before counting
DAY = 24 * 3600

CLIENT_REQUESTS = r"""
#include <valgrind/callgrind.h>
void counting_on(void) { CALLGRIND_START_INSTRUMENTATION; }
void counting_zero(void) { CALLGRIND_ZERO_STATS; }
void counting_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


def build_library(folder: Path) -> Path:
    """The client requests as a shared library (no-ops outside valgrind)."""
    source = folder / "counting.c"
    source.write_text(CLIENT_REQUESTS)
    library = folder / "counting.so"
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
        check=True,
        capture_output=True,
    )
    return library


_DUMP_NAME = re.compile(r"^desc: Trigger: Client Request: (.+)$", re.MULTILINE)
_TOTALS = re.compile(r"^(?:totals|summary): (\d+)", re.MULTILINE)


def read_dump(text: str) -> tuple[str, int]:
    """(the name the dump was made under, instructions counted) of one callgrind dump."""
    name = _DUMP_NAME.search(text)
    totals = _TOTALS.search(text)
    if name is None or totals is None:
        raise ValueError("not a callgrind dump made by a client request")
    return name.group(1).strip(), int(totals.group(1))


def per_request(dumps: list[tuple[str, int]], requests: int) -> dict[str, list[float]]:
    """Instructions per request of each page, one value per dump (round), by the name
    ``label#round`` the child dumped under."""
    found: dict[str, list[float]] = {}
    for name, count in dumps:
        label = name.rsplit("#", 1)[0]
        found.setdefault(label, []).append(count / requests)
    return found


def report(found: dict[str, list[float]], out=sys.stdout) -> None:
    bare = found[PAGES[0][0]]
    for label, values in found.items():
        each = ", ".join(f"{v / 1e6:.2f}" for v in values)
        ratios = ", ".join(f"×{v / b:.3f}" for v, b in zip(values, bare, strict=False))
        print(f"{label}: {each} million instructions a request ({ratios} of bare)", file=out)


# ---------------------------------------------------------------------------- the child


def child(args) -> None:
    sys.path.insert(0, str(Path(args.root) / "bench"))  # the measured tree's scale.py
    import scale

    # Held still for the run (bench/README.md, 2026-12-06, twelfth session): under
    # valgrind a minute is a few hundred requests, not tens of thousands, so what
    # happens once a minute or two landed in whichever window was counting (0.5-0.7
    # million instructions a request of one bare view round in two, either round):
    # the database connection closed and opened again (``CONN_MAX_AGE``), each
    # session's idle timeout touched and saved, each session read again from the
    # database when its copy in Redis expires (``sessions.CACHE_SECONDS``). Both
    # pages alike; done once at sign-in and warm-up instead.
    os.environ["TESSERA_DB_CONN_MAX_AGE"] = str(DAY)
    scale.setup_django(args.database_url)
    from tessera.core import sessions
    from tessera.core.middleware import IdleTimeoutMiddleware

    IdleTimeoutMiddleware.TOUCH_SECONDS = DAY
    sessions.CACHE_SECONDS = DAY
    from django.test import Client

    from tessera.core.demo import demo_email
    from tessera.core.models import User

    counting = ctypes.CDLL(args.library)
    clients = []
    for local in PATIENTS:
        client = Client()
        scale.sign_in(client, User.objects.get(email=demo_email(local)))
        clients.append(client)
    for _label, path in PAGES:
        for client in clients:
            for _ in range(WARMUP):
                assert client.get(path).status_code == 200
    counting.counting_on()
    # Round -1 is the rounds' order run once uncounted: the first bare view of each
    # patient after their home (0.2 million instructions a request more than the next
    # round's, in the bare view's first window only) is not counted.
    for n in range(-1, args.rounds):
        for label, path in PAGES:
            for client in clients:  # counted out, after the translations were made again
                client.get(path)

            def requests(path=path):
                for i in range(args.requests):
                    # A page that failed (a session signed out) would count less.
                    assert clients[i % len(clients)].get(path).status_code == 200

            if n < 0:
                requests()
            else:
                counted_window(counting, f"{label}#{n}", requests)


def counted_window(counting, name: str, run) -> None:
    """Count ``run()`` alone and dump its count under ``name``. Before the count, every
    object is collected and the survivors frozen (``gc.freeze``, as the served workers
    freeze start-up's, decision 0081): a full collection that falls into the window then
    walks only what was made since, not the ~200,000 objects of start-up and the
    requests before (about 78 million instructions, 2 million a request over 40, landing
    in whichever page's window reached the threshold: bench/README.md). The young
    generations' collections of the page's own garbage are still counted."""
    gc.collect()
    gc.freeze()
    counting.counting_zero()
    run()
    counting.counting_dump(name.encode())


# ---------------------------------------------------------------------------- main


def _dump_number(path: Path) -> int:
    """callgrind.out.PID.N: the N-th dump (the final one, callgrind.out.PID, last)."""
    parts = path.name.split(".")
    return int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 1 << 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=40, help="counted, per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--compare", metavar="REV", help="count REV's pages too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    import shutil

    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (apt-get install valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="tessera-instructions-"))
    library = build_library(folder)
    trees = [("this tree", ROOT)]
    if args.compare:
        import load

        trees.insert(0, (args.compare, load.checkout(args.compare, folder)))
    print(f"{args.requests} requests a page and round, {args.rounds} rounds (in {folder}):")
    counted = {}
    try:
        for name, root in trees:
            counted[name] = count(args, library, folder / re.sub(r"\W+", "_", name), root)
    finally:
        if args.compare:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder / "compared")],
                check=False,
            )
    for name, found in counted.items():
        if len(trees) > 1:
            print(f"{name}:")
        report(found)
    if len(trees) > 1:
        before, after = counted[trees[0][0]], counted[trees[1][0]]
        for label in after:
            b, a = statistics.median(before[label]), statistics.median(after[label])
            print(f"{label}: after / before ×{a / b:.4f}")
    return 0


def count(args, library: Path, folder: Path, root: Path) -> dict[str, list[float]]:
    """One valgrind run of the child with the tree at ``root``: instructions per
    request of each page, round by round."""
    folder.mkdir()
    out = folder / "callgrind.out"
    with open(folder / "valgrind.log", "w") as log:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}.%p",
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                "--root",
                str(root),
                "--library",
                str(library),
                "--database-url",
                args.database_url,
                "--requests",
                str(args.requests),
                "--rounds",
                str(args.rounds),
            ],
            check=True,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    dumps = []
    for path in sorted(folder.glob("callgrind.out.*"), key=_dump_number):
        try:
            dumps.append(read_dump(path.read_text(errors="replace")))
        except ValueError:
            continue  # the dump at the end of the run, of nothing counted
    if not dumps:
        raise SystemExit(f"callgrind dumped nothing (see {folder / 'valgrind.log'})")
    return per_request(dumps, args.requests)


if __name__ == "__main__":
    sys.exit(main())
