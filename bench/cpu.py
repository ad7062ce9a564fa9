"""CPU per request of the main signed-in pages against a bare signed-in view, and the
same for an older commit side by side in one run (issue 16).

    python bench/cpu.py --database-url postgres://postgres@127.0.0.1:5432/tessera_x_bench
    python bench/cpu.py --database-url ... --compare main      # before (main) and after
    python bench/cpu.py --database-url ... --profile "inbox (therapist)"

The database must already hold the demo (``seed_demo``) and, for a caseload of about
thirty, the country grown by ``scale.py`` (``scale.grow``; 1,000 patients are plenty:
CPU depends on the demo clinic's own work, which ``grow`` keeps the same at every size).
Nothing is dropped or made; the pages' own writes (audit rows) are the only changes.

Each page is requested in process by the demo user who uses it (``scale.main_pages``),
once to warm up, then ``--repeat`` times; the median process time (CPU of this process:
Python, templates, the database driver, not the database server) is shown with its ratio
to the bare signed-in view (``/bench/bare/``) measured in the same process. Targets: the
patient home ≤ ×3, the inbox and the staff home ≤ ×10, nothing over 50 ms. The
database connection is kept between requests as in production (``TESSERA_DB_CONN_MAX_AGE``
60 unless set), so the compiled reads run as production runs them, prepared on the server.

``--compare REV`` checks REV out into a temporary git worktree and runs the measurement
in child processes, the REV's code and this tree's in turn (``--rounds`` times each, so
that a change of load hits both alike), then prints both columns and after / before.
Migrations are not run: REV must work on the same database (no new migration between).
``--profile LABEL`` prints the top of a cProfile of ``--repeat`` requests of one page.
``--pages "patient home"`` measures only those pages (and the bare view).
``--secondary`` adds the other daily pages ``scale.secondary_pages`` lists (a patient's
overview, letters, sessions, the caseload, the region's dashboard, the clinic's outcomes,
an application, ...), measured the same way; ``--pages`` then takes their labels too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

PAGES = [
    "bare signed-in view",
    "bare signed-in view (patient)",
    "patient home",
    "staff home (therapist)",
    "inbox (therapist)",
    "staff home (manager)",
    "staff home (supervisor)",
    "inbox (manager)",
    "triage queue",
    "patient list (therapist)",
    "patient search (therapist)",
    "patient list (manager)",
    "patient overview (therapist)",
    "team workload (manager)",
    "audit search",
    "audit search by action",
    "audit search by date",
    "intake funnel",
    "dashboard (manager)",
]
TARGETS = {"patient home": 3, "staff home (therapist)": 10, "inbox (therapist)": 10}
# Each page against the bare view requested by the same user: the patient home against
# the patient's own (a therapist's signed-in request also checks their second factor);
# the others against the therapist's (the first page).
BASELINE = {"patient home": "bare signed-in view (patient)"}


def baseline(label: str, column: dict[str, float]) -> float:
    return column.get(BASELINE.get(label, ""), column[PAGES[0]])


LIMIT_MS = 50  # nothing over this in process (issue 16)
SECONDARY = False  # --secondary: scale.secondary_pages() after the main ones
WANTED: set[str] = set()  # --pages: these (and the bare views) only
PRODUCTION_CONN_MAX_AGE = "60"  # settings.py's default behind HTTPS


def connections_kept(environ) -> str:
    """The database connection kept between requests, as production keeps it
    (``TESSERA_HTTPS``) and as ``load.py`` serves, unless the environment says otherwise:
    the compiled reads are then prepared on the server (decision 0060). Without it
    (development's 0) they were measured on Django's own cursor, a path production never
    takes; ``TESSERA_DB_CONN_MAX_AGE=0`` still measures that. Gives the seconds."""
    return environ.setdefault("TESSERA_DB_CONN_MAX_AGE", PRODUCTION_CONN_MAX_AGE)


def setup(root: Path, database_url: str) -> None:
    """Django from ``root`` (this tree or the compared commit's), with the bare view."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("TESSERA_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    connections_kept(os.environ)
    os.chdir(root)
    sys.path.insert(0, str(root))
    import logging
    import warnings

    import django

    django.setup()
    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")
    import scale

    scale.install_bare_view()


def pages():
    import scale
    from django.utils import timezone

    by_label = {p.label: p for p in scale.main_pages(timezone.localdate()) + extra_pages()}
    bare = by_label["bare signed-in view"]
    by_label["bare signed-in view (patient)"] = scale.Page(
        "bare signed-in view (patient)", "patient", bare.url
    )
    # A page the compared (older) tree does not know is left out of its column.
    found = [by_label[label] for label in PAGES if label in by_label]
    if SECONDARY:
        known = {p.label for p in found}
        found += [p for p in scale.secondary_pages(timezone.localdate()) if p.label not in known]
    if WANTED:
        kept = WANTED | {PAGES[0]} | {BASELINE[label] for label in WANTED if label in BASELINE}
        found = [p for p in found if p.label in kept]
    return found


def extra_pages():
    """The main staff pages ``scale.main_pages`` does not list (this benchmark's own):
    the supervisor's home, the manager's team inbox, the overview of the demo
    therapist's first patient and the clinic's dashboard."""
    import scale

    from tessera.core.demo import demo_email
    from tessera.core.models import Episode

    episode = (
        Episode.objects.filter(therapist__email=demo_email("therapist"))
        .exclude(status=Episode.Status.ENDED)
        .order_by("pk")
        .first()
    )
    found = [
        scale.Page("staff home (supervisor)", "supervisor", "/"),
        scale.Page("inbox (manager)", "manager", "/inbox/"),
        scale.Page(
            "dashboard (manager)", "manager", f"/reports/clinics/{scale.DEMO_CLINIC}/dashboard/"
        ),
    ]
    if episode is not None:
        found.append(
            scale.Page("patient overview (therapist)", "therapist", f"/episodes/{episode.pk}/")
        )
    return found


def clients():
    """A client per user kind: signed in, or for the FHIR pages (``--secondary``, where
    the database knows the demo record system's key) carrying its token."""
    import scale

    made = {}
    for page in pages():
        if page.user not in made:
            made[page.user] = scale.client_for(page.user)
    return made


def measure(repeat: int) -> dict[str, list[float]]:
    """CPU ms of each request, per page; pages taken in turn so load hits all alike."""
    made = clients()
    listed = pages()
    times: dict[str, list[float]] = {p.label: [] for p in listed}
    for page in listed:
        response = made[page.user].get(page.url)  # warm: caches, the session's first touch
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: status {response.status_code}")
    for _ in range(repeat):
        for page in listed:
            client = made[page.user]
            cpu = time.process_time()
            client.get(page.url)
            times[page.label].append((time.process_time() - cpu) * 1000)
    return times


def profile(label: str, repeat: int, out=sys.stdout) -> None:
    page = next(p for p in pages() if p.label == label)
    client = clients()[page.user]
    client.get(page.url)
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
    profiler.enable()
    for _ in range(repeat):
        client.get(page.url)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(70)
    stats.sort_stats("tottime").print_stats(30)
    print(text.getvalue(), file=out)


def child(args) -> int:
    setup(Path(args.root), args.database_url)
    print(json.dumps(measure(args.repeat)))
    return 0


def table(columns: dict[str, dict[str, float]], out=sys.stdout) -> None:
    names = list(columns)
    head = ["page"]
    for name in names:
        head += [f"CPU ms {name}", "×bare"]
    if len(names) == 2:
        head.append("after/before")
    head.append("")  # over the limit, by the last column
    rows = [head]
    labels = list(PAGES)  # then the pages only the children know (--secondary)
    for name in names:
        labels += [label for label in columns[name] if label not in labels]
    for label in labels:
        if not any(label in columns[name] for name in names):
            continue
        row = [label]
        for name in names:
            ms = columns[name].get(label)
            bare = baseline(label, columns[name])
            row += ["-", "-"] if ms is None else [f"{ms:.1f}", f"×{ms / bare:.1f}"]
        if len(names) == 2:
            before, after = (columns[n].get(label) for n in names)
            row.append(f"×{after / before:.2f}" if before and after else "-")
        last = columns[names[-1]].get(label)
        row.append(f"over {LIMIT_MS} ms" if last is not None and last > LIMIT_MS else "")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip(),
            file=out,
        )
    last = columns[names[-1]]
    missed = [
        f"{label} ×{last[label] / baseline(label, last):.1f} (target ×{limit})"
        for label, limit in TARGETS.items()
        if label in last and last[label] / baseline(label, last) > limit
    ] + [
        f"{label} {ms:.1f} ms (target {LIMIT_MS} ms)" for label, ms in last.items() if ms > LIMIT_MS
    ]
    print("targets: " + ("met" if not missed else "missed: " + "; ".join(missed)), file=out)


def compare(args) -> int:
    tree = Path(tempfile.mkdtemp(prefix="tessera-cpu-before-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.compare],
        check=True,
        capture_output=True,
    )
    # Its messages compiled (not in git), as this tree's: else its pages are drawn from
    # the untranslated texts, which costs less (decision 0060).
    subprocess.run(
        [sys.executable, str(tree / "manage.py"), "compilemessages", "--verbosity", "0"],
        cwd=tree / "tessera",
        check=True,
        capture_output=True,
    )
    samples: dict[str, dict[str, list[float]]] = {args.compare: {}, "this tree": {}}
    try:
        for _ in range(args.rounds):
            for name, root in [(args.compare, tree), ("this tree", ROOT)]:
                result = subprocess.run(
                    [sys.executable, __file__, "--child", "--root", str(root)]
                    + ["--database-url", args.database_url, "--repeat", str(args.repeat)]
                    + (["--pages", args.pages] if args.pages else [])
                    + (["--secondary"] if args.secondary else []),
                    check=True,
                    capture_output=True,
                    text=True,
                )
                for label, values in json.loads(result.stdout.splitlines()[-1]).items():
                    samples[name].setdefault(label, []).extend(values)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
        )
    columns = {
        name: {label: statistics.median(v) for label, v in per.items()}
        for name, per in samples.items()
    }
    table(columns)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="with --compare")
    parser.add_argument("--compare", metavar="REV")
    parser.add_argument("--profile", metavar="LABEL")
    parser.add_argument(
        "--pages", metavar="LABELS", help="comma-separated labels (the bare view is always kept)"
    )
    parser.add_argument(
        "--secondary", action="store_true", help="also the other daily pages (scale.py's)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.rounds < 1:
        parser.error("--repeat and --rounds: 1 or more")
    global SECONDARY
    SECONDARY = args.secondary
    # Without --secondary the labels are known here; with it, only once Django is set up
    # (a label no page has is then simply not measured).
    if args.profile and args.profile not in PAGES and not SECONDARY:
        parser.error(f"--profile: no page {args.profile!r}; one of: {', '.join(PAGES)}")
    if args.pages:
        wanted = {label.strip() for label in args.pages.split(",")}
        if wanted - set(PAGES) and not SECONDARY:
            parser.error(f"--pages: no page {', '.join(sorted(wanted - set(PAGES)))}")
        WANTED.update(wanted)
        wanted |= {BASELINE[label] for label in wanted if label in BASELINE}
        PAGES[:] = [label for label in PAGES if label == PAGES[0] or label in wanted]
    if args.child:
        return child(args)
    import scale

    scale.existing_database(args.database_url)  # a plain message if it is not there
    load = os.getloadavg()[0]
    kept = connections_kept(os.environ)  # and the children's, which inherit it
    print(f"database connections kept {kept} s between requests (TESSERA_DB_CONN_MAX_AGE)")
    if args.compare:
        compare(args)
    else:
        setup(ROOT, args.database_url)
        if args.profile:
            profile(args.profile, args.repeat)
            return 0
        table({"now": {k: statistics.median(v) for k, v in measure(args.repeat).items()}})
    print(f"load {load:.1f} → {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
