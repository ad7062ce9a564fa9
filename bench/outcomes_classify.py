"""Benchmark: `python -m tessera.outcomes classify|summarise FILE.csv` on 1,000,000 episodes.

    python bench/outcomes_classify.py [--rows 1000000] [--repeat 1] [--seed 1] [--target 60]

Writes a seeded file of synthetic episodes (write_episodes below: every measure in
measures.json that is used without a flag, a spread of contacts, some empty cells) into
a temporary directory and times, side by side in this one run, three subprocesses
started with the same interpreter, stdout going to a file:

  classify   the real command, end to end (start Python, import, read, classify, write);
  summarise  the real command, printing the rates;
  CSV copy   the same file read with csv.reader and written back with csv.writer: the
             floor for starting Python, parsing and writing, with no rules at all.

The runs alternate (copy, classify, summarise, copy, ...) and the best of `--repeat` runs
of each is reported with rows per second, "xN over plain CSV copy" and "xN faster than
the 60 s target" (the verdict uses the slowest run). Each child's CPU time is printed too:
on a busy machine it is steadier than the wall clock.

Then the output is checked: exit status 0, one output row per input row in order, 200
randomly chosen rows compared with tessera.outcomes.rules.classify called directly, and
the summary's counts compared with counts taken from the classify output. Exit status:
0 when both commands met the target and passed the checks, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tessera.outcomes.cli import COLUMNS, OUTCOME_COLUMNS  # noqa: E402
from tessera.outcomes.measures import entries  # noqa: E402
from tessera.outcomes.rules import Tally, classify, format_rate  # noqa: E402

COPY_SCRIPT = """\
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    csv.writer(sys.stdout, lineterminator="\\n").writerows(csv.reader(handle))
"""
# Problem areas and their anxiety measure, weighted roughly as a mixed service's caseload.
PROBLEMS = (
    ("depression", "GAD-7", 35),
    ("generalised anxiety", "GAD-7", 25),
    ("panic disorder", "PDSS", 10),
    ("social anxiety disorder", "SPIN", 8),
    ("agoraphobia", "MI-Alone", 5),
    ("health anxiety", "HAI", 8),
    ("post-traumatic stress disorder", "IES-R", 9),
)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    status: int


def write_episodes(path: Path, rows: int, *, seed: int = 1) -> Path:
    """Write `rows` synthetic episodes; the same arguments always write the same bytes."""
    rng = random.Random(seed)
    table = {e.code: e for e in entries()}
    weights = [w for *_, w in PROBLEMS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(rows):
            problem, code, _ = rng.choices(PROBLEMS, weights)[0]
            dep_first, dep_last = _pair(rng, table["PHQ-9"])
            anx_first, anx_last = _pair(rng, table[code])
            contacts = "" if rng.random() < 0.02 else str(rng.choice((0, 1, 1, 2, 3, 5, 8, 12)))
            writer.writerow(
                (f"ep{n}", problem, "PHQ-9", dep_first, dep_last, code, anx_first, anx_last,
                 contacts)
            )  # fmt: skip
    return path


def _pair(rng: random.Random, entry) -> tuple[str, str]:
    """A first and a last score: mostly falling, sometimes rising; a few cells empty."""
    span = entry.max - entry.min
    first = entry.min + span * rng.betavariate(2.5, 2)
    last = min(entry.max, max(entry.min, first - span * rng.gauss(0.15, 0.2)))
    cells = [_cell(first, entry), _cell(last, entry)]
    if rng.random() < 0.03:
        cells[rng.randrange(2)] = ""
    return cells[0], cells[1]


def _cell(value: float, entry) -> str:
    return str(round(value)) if entry.whole_numbers else f"{value:.2f}"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_timed(argv: list[str], out_path: Path, err_path: Path) -> Run:
    """Run argv with stdout and stderr going to files: wall-clock and CPU seconds, status."""
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=REPO, env=_env())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    return Run(seconds, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))


def commands(path: Path) -> dict[str, list[str]]:
    module = [sys.executable, "-m", "tessera.outcomes"]
    return {
        "CSV copy": [sys.executable, "-c", COPY_SCRIPT, str(path)],
        "classify": [*module, "classify", str(path)],
        "summarise": [*module, "summarise", str(path)],
    }


def check(source: Path, classified: Path, summary: Path, *, seed: int) -> list[str]:
    """What is wrong with the outputs (empty when they are right)."""
    problems: list[str] = []
    table = {e.code: e for e in entries()}
    with source.open(newline="") as a, classified.open(newline="") as b:
        inputs, outputs = csv.reader(a), csv.reader(b)
        if next(outputs) != [*next(inputs), *OUTCOME_COLUMNS]:
            problems.append("the output header is not the input header plus the outcomes")
        rows = list(zip(inputs, outputs, strict=False))
    if len(rows) != _count_lines(source) - 1 or len(rows) != _count_lines(classified) - 1:
        problems.append("the output does not have one row per input row")
    tally = Tally()
    for row_in, row_out in rows:
        if row_out[: len(COLUMNS)] != row_in:
            problems.append(f"episode {row_in[0]}: the input cells were not copied as read")
            break
        tally.add(_from_flags(row_out[len(COLUMNS) :]))
    for index in random.Random(seed).sample(range(len(rows)), min(200, len(rows))):
        row_in, row_out = rows[index]
        expected = _flags(_direct(row_in, table))
        if row_out[len(COLUMNS) :] != expected:
            problems.append(f"episode {row_in[0]}: {row_out[len(COLUMNS) :]} != {expected}")
    lines = summary.read_text(encoding="utf-8").splitlines()
    wanted = [f"episodes: {tally.episodes}"] + [format_rate(*r) for r in tally.rates()]
    if lines[: len(wanted)] != wanted:
        problems.append("the summary does not match the counts of the classify output")
    return problems


def _direct(cells: list[str], table):
    def number(text: str) -> float | None:
        return None if not text else float(text)

    _e, _p, dep, d1, d2, anx, a1, a2, contacts = cells
    return classify(
        table[dep], number(d1), number(d2), table[anx], number(a1), number(a2),
        int(contacts) if contacts else None,
    )  # fmt: skip


_FLAG = {True: "1", False: "0", None: ""}
_UNFLAG = {"1": True, "0": False, "": None}


def _flags(c) -> list[str]:
    return [_FLAG[getattr(c, name)] for name in OUTCOME_COLUMNS]


def _from_flags(cells: list[str]):
    from tessera.outcomes.rules import Classification

    return Classification(*(_UNFLAG[c] for c in cells))


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _load_note() -> str:
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    note = f"load average {load:.1f} on {cpus} CPU(s)"
    if load > cpus:
        note += " (busy machine: wall-clock figures are inflated; CPU times are steadier)"
    return note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="episodes (1000000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--target", type=float, default=60.0, help="seconds (60)")
    parser.add_argument("--workdir", type=Path, help="keep the files here")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        print("error: --rows and --repeat must be at least 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        return _measure(work, args)


def _measure(work: Path, args: argparse.Namespace) -> int:
    print(f"Outcome engine: {args.rows:,} episodes, seed {args.seed}; {_load_note()}")
    started = time.perf_counter()
    source = write_episodes(work / "episodes.csv", args.rows, seed=args.seed)
    print(
        f"generated {source.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
    )
    runs: dict[str, list[Run]] = {}
    for _ in range(args.repeat):
        for name, argv in commands(source).items():
            out = work / f"{name.replace(' ', '_')}.out"
            runs.setdefault(name, []).append(run_timed(argv, out, work / f"{name}.err"))
    floor = min(r.seconds for r in runs["CSV copy"])
    floor_cpu = min(r.cpu_seconds for r in runs["CSV copy"])
    ok = True
    for name, measured in runs.items():
        best = min(measured, key=lambda r: r.seconds)
        line = (
            f"{name:<10} best {best.seconds:6.1f} s  {args.rows / best.seconds:>10,.0f} rows/s"
            f"  CPU {best.cpu_seconds:6.1f} s"
        )
        if name != "CSV copy":
            worst = max(r.seconds for r in measured)
            line += (
                f"  x{best.seconds / floor:.1f} over plain CSV copy"
                f" (CPU x{best.cpu_seconds / floor_cpu:.1f})"
                f"  x{args.target / worst:.1f} faster than the {args.target:g} s target"
            )
            if worst > args.target or any(r.status for r in measured):
                line += "  MISSED" if worst > args.target else "  FAILED (exit status)"
                ok = False
        print(line)
    problems = check(source, work / "classify.out", work / "summarise.out", seed=args.seed)
    for problem in problems[:20]:
        print(f"CHECK FAILED: {problem}")
    if not problems:
        print("checks: one row per episode, inputs copied as read, 200 rows agree with "
              "rules.classify, the summary agrees with the classify output")  # fmt: skip
    print(f"after: {_load_note()}")
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
