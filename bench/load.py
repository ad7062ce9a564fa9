"""A load test with locust against gunicorn on 127.0.0.1, and two app servers working
together (issue 16).

    pip install -e '.[load]'                          # locust: an optional extra
    python bench/load.py                              # 1 server, 10 users, 20 s a page
    python bench/load.py --servers 2 --users 20       # two servers sharing PG and Redis
    python bench/load.py --locust /path/to/locust     # locust from another environment
    python bench/load.py --compare main --pages "patient home"   # before and after

It makes the benchmark database afresh (``--database-url``, default
``tessera_load_bench``; the name must contain ``bench``), migrates and seeds the demo,
writes signed-in sessions for the demo's patients and therapists to a file, and starts
``--servers`` gunicorn processes (``bench/bench_wsgi.py``: the project plus a bare
signed-in view) on ports 8101, 8102, ... with ``--workers`` each, sharing the database,
Redis (``--redis-url``) and the database task queue, with one task worker
(``db_worker``) per server. Then, for each page, one locust run of ``--users`` users for
``--seconds``, spread over the servers, and a table of requests per second, median and
95th percentile and errors, each against the bare signed-in view measured in the same
run (targets: the patient home at ≥ 50 % of its requests per second, p95 within ×2, no
errors).

``--compare REV`` checks REV out into a temporary git worktree (its messages compiled)
and serves it too, on ports from ``--first-port`` + 50, from the same database (REV must
need no other migration), and a table is printed for each, with the ratios of each
tree's pages to its own bare view. ``--rounds N`` measures every page N times, round by
round (``schedule``): in each round every page of one tree (its bare views just before
the pages measured against them), then the other tree's, the first tree alternating.
With more than one round the table averages the rounds, and below it each page's ratios
to its bare view are given round by round with their median, and the patient home's
targets are judged on the medians: one noisy round does not decide.
``--pages`` takes labels (comma-separated; their bare views are kept).

With two servers it also shows that they work as one (``CHECK FAILED`` and exit 1
otherwise):

- sessions: every session cookie is signed in on both servers;
- rate limits: with ``referral_form`` set to 3 an hour, four valid referrals from one
  address sent to the servers in turn: three are taken, the fourth is refused (429),
  because both count in Redis;
- the task queue: a patient writes eight messages, to the servers in turn; each causes
  one notification to the therapist, delivered by one task run once by one of the
  servers' workers (never twice).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import scale

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_load_bench"
FIRST_PORT = 8101
COMPARED_PORTS = 50  # the compared tree's servers: from the first port + 50
PAGES = [  # (label, locust user classes)
    ("bare signed-in view", "BareUser"),
    ("bare signed-in view (patients)", "PatientBareUser"),
    ("patient home", "PatientHomeUser"),
    ("inbox (therapist)", "InboxUser"),
    ("mixed: patients and clinicians", "PatientUser ClinicianUser"),
]
# Each page against the bare view requested by the same users (sessions): the patient
# home by the patients' own sessions, the rest by the clinicians'.
BASELINE = {"patient home": "bare signed-in view (patients)"}
WARMUP_SECONDS = 5

PATIENTS = ["patient", "patient2", "patient3", "patient5", "patient7"]
CLINICIANS = ["therapist", "therapist2"]
REFERRAL_LIMIT = 3
MESSAGES = 8


# ---------------------------------------------------------------------------- set-up


def make_sessions(kinds: dict[str, list[str]]) -> dict[str, list[str]]:
    """Session keys, signed in with the password and the second factor, per kind."""
    from django.conf import settings
    from django.test import Client

    from tessera.core.demo import demo_email
    from tessera.core.models import User

    sessions: dict[str, list[str]] = {}
    for kind, locals_ in kinds.items():
        for local in locals_:
            client = Client()
            scale.sign_in(client, User.objects.get(email=demo_email(local)))
            sessions.setdefault(kind, []).append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return sessions


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TESSERA_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        TESSERA_DB_CONN_MAX_AGE="60",
        TESSERA_RATE_REFERRAL_FORM=f"{REFERRAL_LIMIT}/h",
        TESSERA_PROXY_COUNT="1",  # the checks send their own X-Forwarded-For
        TESSERA_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(BENCH),
    )
    return env


def start_servers(
    count: int,
    workers: int,
    env: dict,
    log_dir: Path,
    first_port: int = FIRST_PORT,
    root: Path = ROOT,
) -> list[subprocess.Popen]:
    """``count`` gunicorn servers and as many task workers, of the tree at ``root``."""
    python = sys.executable
    processes = []
    env = dict(env, PYTHONPATH=str(root / "bench"))
    tag = "" if root == ROOT else "-compared"
    for n in range(count):
        port = first_port + n
        log = open(log_dir / f"server{n}{tag}.log", "w")  # noqa: SIM115 (closed with the process)
        processes.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "bench_wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log = open(log_dir / f"worker{n}{tag}.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [python, str(root / "manage.py"), "db_worker", "--interval", "0.2"],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_until_up(hosts: list[str], timeout: float = 600, processes=()) -> None:
    import requests

    deadline = time.monotonic() + timeout
    for host in hosts:
        while True:
            ended = [p for p in processes if p.poll() is not None]
            if ended:
                raise SystemExit(
                    f"a server or task worker stopped (exit {ended[0].returncode}) before "
                    f"{host} answered (see the logs)"
                )
            try:
                if requests.get(f"{host}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{host} did not start (see the server logs)")
            time.sleep(0.5)


def default_locust() -> str:
    """locust of this Python's environment (``.venv/bin/python bench/load.py`` with the
    environment not activated), else the one on PATH."""
    beside = Path(sys.executable).parent / "locust"
    return str(beside) if beside.exists() else shutil.which("locust") or "locust"


def preflight(args) -> None:
    """What the run needs, checked before anything is made: locust, Redis, free ports.
    A plain message and exit status 1 otherwise (no traceback)."""
    locust = shutil.which(args.locust) or (args.locust if os.access(args.locust, os.X_OK) else None)
    if locust is None:
        raise SystemExit(
            f"locust not found ({args.locust}): pip install -e '.[load]', or give "
            "--locust /path/to/locust"
        )
    args.locust = locust
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        raise SystemExit(f"cannot reach Redis at {args.redis_url}: {exc}") from None
    ports = [args.first_port + n for n in range(args.servers)]
    if args.compare:
        ports += [args.first_port + COMPARED_PORTS + n for n in range(args.servers)]
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(
                    f"port {port} on 127.0.0.1 is in use (another load test?): choose "
                    "others with --first-port"
                )


# ---------------------------------------------------------------------------- locust


def run_locust(locust, classes, hosts, users, seconds, sessions_file, out: Path) -> dict:
    env = dict(
        os.environ, TESSERA_LOAD_SESSIONS=str(sessions_file), TESSERA_LOAD_HOSTS=",".join(hosts)
    )
    prefix = out / re.sub(r"\W+", "_", classes)
    stats = Path(f"{prefix}_stats.csv")
    stats.unlink(missing_ok=True)  # the warm-up's, with the same name
    log = Path(f"{prefix}_locust.log")
    with open(log, "w") as errors:
        subprocess.run(
            [
                locust,
                "-f",
                str(BENCH / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                hosts[0],
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
                *classes.split(),
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    if not stats.exists():
        raise SystemExit(f"locust wrote no statistics: see {log}")
    return parse_stats(stats)


def server_cpu_seconds(servers: list[subprocess.Popen]) -> float:
    """User and system CPU used so far by the gunicorn servers and their workers (from
    /proc, Linux): the servers' own cost per request, whatever locust and the rest of
    the machine take."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for server in servers:
        try:
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        except OSError:
            continue
        for pid in [server.pid, *map(int, children)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def parse_stats(path: Path) -> dict:
    """The "Aggregated" row of locust's stats CSV (percentiles of a run that finished no
    request, such as a short warm-up on a busy machine, are "N/A": 0 here)."""

    def number(value: str) -> float:
        return 0.0 if value == "N/A" else float(value)

    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                return {
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "rps": number(row["Requests/s"]),
                    "median": number(row["50%"]),
                    "p95": number(row["95%"]),
                }
    raise ValueError(f"no Aggregated row in {path}")


def report(results: list[tuple[str, dict]], out=sys.stdout) -> None:
    """Each page against the bare view (the first row), or its own in ``BASELINE``."""
    by_label = dict(results)
    head = ["page", "requests", "errors", "req/s", "of bare", "median ms", "p95 ms", "p95 ×bare"]
    head += ["server CPU ms", "×bare"]
    rows = [head]
    for label, r in results:
        bare = by_label.get(BASELINE.get(label, ""), results[0][1])
        rows.append(
            [
                label,
                str(r["requests"]),
                str(r["errors"]),
                f"{r['rps']:.1f}",
                f"{100 * r['rps'] / bare['rps']:.0f} %" if bare["rps"] else "-",
                f"{r['median']:.0f}",
                f"{r['p95']:.0f}",
                f"×{r['p95'] / bare['p95']:.2f}" if bare["p95"] else "-",
                f"{r['cpu_ms']:.1f}" if "cpu_ms" in r else "-",
                f"×{r['cpu_ms'] / bare['cpu_ms']:.2f}"
                if bare.get("cpu_ms") and "cpu_ms" in r
                else "-",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ),
            file=out,
        )


def chosen_pages(wanted: str) -> list[tuple[str, str]]:
    """``--pages``: all, none, or the labels given with the bare views they are compared
    with (the first page, and the one in ``BASELINE``)."""
    if wanted == "all":
        return list(PAGES)
    if wanted == "none":
        return []
    labels = {label.strip() for label in wanted.split(",")}
    unknown = labels - {label for label, _ in PAGES}
    if unknown:
        raise SystemExit(f"no such page: {', '.join(sorted(unknown))}")
    labels |= {BASELINE[label] for label in labels if label in BASELINE} | {PAGES[0][0]}
    return [(label, classes) for label, classes in PAGES if label in labels]


def measure_page(args, classes: str, hosts: list[str], processes, work: Path) -> dict:
    """One page on one tree's servers: a warm-up (templates, translations, the first
    connection of every worker: not counted), then the run, with the servers' CPU."""
    sessions_file = work / "sessions.json"
    if args.warmup > 0:
        run_locust(args.locust, classes, hosts, args.users, args.warmup, sessions_file, work)
    servers = processes[::2]  # gunicorn masters (each followed by its task worker)
    cpu = server_cpu_seconds(servers)
    result = run_locust(args.locust, classes, hosts, args.users, args.seconds, sessions_file, work)
    if result["requests"]:
        result["cpu_ms"] = 1000 * (server_cpu_seconds(servers) - cpu) / result["requests"]
    return result


def combine(runs: list[dict]) -> dict:
    """The rounds of one page on one tree: requests and errors added, the rest averaged."""
    if len(runs) == 1:
        return runs[0]
    combined = {
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }
    for key in ("rps", "median", "p95", "cpu_ms"):
        values = [r[key] for r in runs if key in r]
        if values:
            combined[key] = sum(values) / len(values)
    return combined


def schedule(trees, pages, rounds: int):
    """The order of the runs: round by round, and in each round every page of one tree
    in turn (the bare views just before the pages measured against them), then the
    other tree's, the tree that goes first alternating from round to round. Each
    page's ratio to its bare view is thus taken from runs a minute or two apart on
    the same servers, in every round: measured page by page (every round of the bare
    views first, then every round of the patient home), the home's runs came minutes
    after its bare view's, and a change of the machine's speed in between moved the
    ratio (bench/README.md, 2026-12-06, tenth session). Yields (round, tree's name,
    page's label, locust classes)."""
    for n in range(rounds):
        order = trees if n % 2 == 0 else list(reversed(trees))
        for name, *_ in order:
            for label, classes in pages:
                yield n, name, label, classes


def round_ratios(runs: dict[str, list[dict]]) -> dict[str, dict[str, list[float]]]:
    """Each page's ratios to its bare view (``BASELINE``, else the first page), round
    by round: the share of the bare view's requests per second, and its p95 and server
    CPU per request as multiples of the bare view's (a round whose bare view or page
    answered nothing gives no ratio)."""
    labels = list(runs)
    found: dict[str, dict[str, list[float]]] = {}
    for label in labels[1:]:
        bare_runs = runs.get(BASELINE.get(label, ""), runs[labels[0]])
        ratios: dict[str, list[float]] = {"rps": [], "p95": [], "cpu_ms": []}
        for page, bare in zip(runs[label], bare_runs, strict=False):
            for key in ratios:
                if page.get(key) and bare.get(key):
                    ratios[key].append(page[key] / bare[key])
        found[label] = ratios
    return found


def verdict(ratios: dict[str, list[float]], errors: int) -> str:
    """The patient home's targets (issue 16) on the medians of the rounds: ≥ 50 % of
    the bare view's requests per second, p95 within ×2, no errors."""
    if not ratios["rps"] or not ratios["p95"]:
        return "no verdict (no complete round)"
    share, p95 = statistics.median(ratios["rps"]), statistics.median(ratios["p95"])
    met = share >= 0.5 and p95 <= 2.0 and errors == 0
    return (
        f"{'met' if met else 'NOT met'} (median of {len(ratios['rps'])} rounds: "
        f"{100 * share:.0f} % of the bare view, p95 ×{p95:.2f}, {errors} errors)"
    )


def report_rounds(runs: dict[str, list[dict]], out=sys.stdout) -> None:
    """Each page's ratios to its bare view round by round, with their median: one
    noisy round does not decide (the table above averages the rounds' numbers)."""

    def shown(values: list[float], percent: bool) -> str:
        if not values:
            return "-"
        each = ", ".join(f"{100 * v:.0f}" if percent else f"{v:.2f}" for v in values)
        mid = statistics.median(values)
        return f"{100 * mid:.0f} % ({each})" if percent else f"×{mid:.2f} ({each})"

    print("median of the rounds (each round's ratio in brackets):", file=out)
    for label, ratios in round_ratios(runs).items():
        line = (
            f"  {label}: of bare {shown(ratios['rps'], True)}; p95 ×bare "
            f"{shown(ratios['p95'], False)}; server CPU ×bare {shown(ratios['cpu_ms'], False)}"
        )
        print(line, file=out)
        if label == "patient home":
            errors = sum(r["errors"] for r in runs[label])
            print(f"  patient home target: {verdict(ratios, errors)}", file=out)


def checkout(rev: str, work: Path) -> Path:
    """REV in a temporary git worktree, with its messages compiled (not in git)."""
    tree = work / "compared"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, str(tree / "manage.py"), "compilemessages", "--verbosity", "0"],
        cwd=tree / "tessera",
        check=True,
        capture_output=True,
    )
    return tree


# ---------------------------------------------------------------------------- two servers


def check_sessions(hosts: list[str], sessions: dict[str, list[str]]) -> list[str]:
    import requests

    problems = []
    for kind, keys in sessions.items():
        for key in keys:
            for host in hosts:
                page = requests.get(f"{host}/", cookies={"sessionid": key}, timeout=30)
                if page.status_code != 200 or "/accounts/login/" in page.url:
                    problems.append(f"a {kind} session is not signed in on {host}")
    return problems


def check_rate_limit(hosts: list[str], slug: str) -> tuple[list[int], list[str]]:
    """Referrals from one new address, to the servers in turn."""
    import requests

    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    statuses = []
    for n in range(REFERRAL_LIMIT + 1):
        host = hosts[n % len(hosts)]
        session = requests.Session()
        session.headers["X-Forwarded-For"] = address
        form = session.get(f"{host}/c/{slug}/refer/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = session.post(
            f"{host}/c/{slug}/refer/",
            data={
                "csrfmiddlewaretoken": token,
                "referrer-referrer_name": "Dr Load Test",
                "referrer-organisation": "Bench Health Centre",
                "referrer-role": "GP",
                "referrer-phone": "+46 8 123 456",
                "referrer-secure_email": "gp@health.example",
                "referrer-reason": "Low mood for three months.",
                "referrer-consent_to_letters": "on",
                "patient-first_name": "Load",
                "patient-last_name": f"Test{n}",
                "patient-date_of_birth": "1981-02-03",
                "patient-email": f"load{n}.{uuid.uuid4().hex[:6]}@example.test",
                "patient-language": "en",
            },
            headers={"Referer": f"{host}/c/{slug}/refer/"},
            allow_redirects=False,
            timeout=30,
        )
        statuses.append(answer.status_code)
    expected = [302] * REFERRAL_LIMIT + [429]
    problems = [] if statuses == expected else [f"referral answers {statuses}, not {expected}"]
    return statuses, problems


def send_messages(hosts: list[str], session_key: str, count: int) -> list[str]:
    """A patient writes ``count`` messages to the therapist, to the servers in turn: each
    is to cause one notification, delivered by one of the servers' task workers."""
    import requests

    problems = []
    session = requests.Session()
    session.cookies.set("sessionid", session_key)
    for n in range(count):
        host = hosts[n % len(hosts)]
        form = session.get(f"{host}/me/messages/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = session.post(
            f"{host}/me/messages/",
            data={
                "csrfmiddlewaretoken": token,
                "body": f"Load test message {n}",
                "submission_key": str(uuid.uuid4()),
            },
            headers={"Referer": f"{host}/me/messages/"},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302:
            problems.append(f"message {n} to {host}: {answer.status_code}")
    return problems


def check_tasks(since, expected: int, timeout: float = 90) -> tuple[dict, list[str]]:
    """One notification per message, one delivery task per notification, each run once
    by one worker; which workers ran them. (A notification held for the recipient's
    quiet hours is delivered later: it counts as done, with no attempt yet.)"""
    from django_tasks_db.models import DBTaskResult

    from tessera.notifications.models import Notification

    deadline = time.monotonic() + timeout
    tasks = DBTaskResult.objects.filter(
        enqueued_at__gte=since, task_path__endswith="deliver_notification"
    )
    while tasks.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    notes = list(Notification.objects.filter(created_at__gte=since, kind="patient_wrote"))
    problems = []
    if len(notes) != expected or len({n.key for n in notes}) != expected:
        problems.append(f"{len(notes)} notifications for {expected} messages")
    for note in notes:
        done = note.state == Notification.State.SENT and note.attempts == 1
        held = note.state == Notification.State.INTENDED and note.send_after and not note.attempts
        if not (done or held):
            problems.append(f"notification {note.pk}: {note.state}, {note.attempts} attempts")
    results = list(tasks)
    if len(results) != len(notes):
        problems.append(f"{len(results)} delivery tasks for {len(notes)} notifications")
    for t in results:
        if t.status != "SUCCESSFUL" or len(t.worker_ids) != 1:
            problems.append(f"task {t.id}: {t.status}, run by {t.worker_ids}")
    workers: dict[str, int] = {}
    for t in results:
        for worker in t.worker_ids:
            workers[worker] = workers.get(worker, 0) + 1
    summary = {
        "notifications": len(notes),
        "sent": sum(n.state == Notification.State.SENT for n in notes),
        "tasks": len(results),
        "workers": sorted(workers.values(), reverse=True),
    }
    return summary, problems


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--warmup", type=int, default=WARMUP_SECONDS, help="seconds of each page not counted"
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument(
        "--locust",
        default=default_locust(),
        help="the locust command (default: the one installed beside this Python, else on PATH)",
    )
    parser.add_argument(
        "--pages",
        default="all",
        help="'all', 'none' (only the checks) or comma-separated labels (their bare views kept)",
    )
    parser.add_argument("--compare", metavar="REV", help="serve REV too and measure both")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each page per tree")
    parser.add_argument(
        "--first-port", type=int, default=FIRST_PORT, help="of the first server (others follow)"
    )
    args = parser.parse_args(argv)
    if min(args.servers, args.workers, args.users, args.seconds, args.rounds) < 1:
        parser.error("--servers, --workers, --users, --seconds and --rounds: 1 or more")
    preflight(args)
    scale.fresh_database(args.database_url)
    scale.setup_django(args.database_url)
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from tessera.portal import demo

    demo.seed()
    sessions = make_sessions({"patient": PATIENTS, "clinician": CLINICIANS})
    work = Path(tempfile.mkdtemp(prefix="tessera-load-"))
    sessions_file = work / "sessions.json"
    import json

    sessions_file.write_text(json.dumps(sessions))
    hosts = [f"http://127.0.0.1:{args.first_port + n}" for n in range(args.servers)]
    compared = checkout(args.compare, work) if args.compare else None
    processes = start_servers(
        args.servers,
        args.workers,
        server_env(args.database_url, args.redis_url),
        work,
        args.first_port,
    )
    trees = [("this tree", hosts, processes)]
    if compared is not None:
        compared_hosts = [
            f"http://127.0.0.1:{args.first_port + COMPARED_PORTS + n}" for n in range(args.servers)
        ]
        compared_processes = start_servers(
            args.servers,
            args.workers,
            server_env(args.database_url, args.redis_url),
            work,
            args.first_port + COMPARED_PORTS,
            root=compared,
        )
        trees.insert(0, (args.compare, compared_hosts, compared_processes))
        processes = processes + compared_processes
    pages = chosen_pages(args.pages)
    problems: list[str] = []
    try:
        wait_until_up([h for _, tree_hosts, _ in trees for h in tree_hosts], processes=processes)
        load = os.getloadavg()[0]
        print(
            f"{args.servers} server(s) × {args.workers} gunicorn workers, {args.users} "
            f"users, {args.seconds} s a page, load {load:.1f}; logs in {work}"
        )
        if pages:
            results: dict[str, dict[str, list[dict]]] = {name: {} for name, *_ in trees}
            for _round, name, label, classes in schedule(trees, pages, args.rounds):
                _, tree_hosts, tree_processes = next(t for t in trees if t[0] == name)
                result = measure_page(args, classes, tree_hosts, tree_processes, work)
                results[name].setdefault(label, []).append(result)
            for name, *_ in trees:
                if len(trees) > 1:
                    print(f"\n{name}:")
                combined = [(label, combine(runs)) for label, runs in results[name].items()]
                report(combined)
                if args.rounds > 1:
                    report_rounds(results[name])
                problems += [
                    f"{name}: {label}: {r['errors']} errors" for label, r in combined if r["errors"]
                ]
        if args.servers > 1:
            from tessera.core.models import Clinic

            problems += check_sessions(hosts, sessions)
            print(f"sessions: {sum(map(len, sessions.values()))} signed in on every server")
            slug = next(
                c.slug
                for c in Clinic.objects.order_by("pk")
                if c.accepts_professional_referral and not _closed(c)
            )
            statuses, found = check_rate_limit(hosts, slug)
            problems += found
            print(f"rate limit {REFERRAL_LIMIT}/h across servers in turn: answers {statuses}")
            # From here on: the referrals above have delivery tasks of their own.
            since = timezone.now()
            problems += send_messages(hosts, sessions["patient"][0], MESSAGES)
            summary, found = check_tasks(since, MESSAGES)
            problems += found
            print(
                f"task queue: {MESSAGES} messages to the servers in turn, "
                f"{summary['notifications']} notifications ({summary['sent']} sent, the "
                f"rest held for quiet hours), {summary['tasks']} delivery tasks, tasks per "
                f"worker {summary['workers']}"
            )
        print(f"load {load:.1f} → {os.getloadavg()[0]:.1f}")
    finally:
        stop(processes)
        if compared is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(compared)],
                check=False,
            )
    for problem in problems:
        print("CHECK FAILED:", problem)
    return 1 if problems else 0


def _closed(clinic) -> bool:
    from tessera.core import crisis

    return crisis.refusal(clinic) is not None


if __name__ == "__main__":
    sys.exit(main())
