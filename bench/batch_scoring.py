"""Benchmark: `python -m tessera.instruments score INSTRUMENT FILE.csv` on 100,000 rows.

    python bench/batch_scoring.py [--rows 100000] [--instruments PHQ-9 DASS-21]
                                  [--bad-share 0.01] [--repeat 3] [--seed 1] [--target 60]

For each instrument it writes a seeded file of responses (bench/make_responses.py) into a
temporary directory and times, side by side in this one run, two subprocesses started
with the same interpreter and stdout going to a file:

  score     the real command, `python -m tessera.instruments score INSTRUMENT FILE.csv`;
  CSV copy  the same file read with csv.reader and written back with csv.writer: the
            floor for starting Python, parsing and writing, with no scoring at all.

The runs alternate (copy, score, copy, score, ...) and the best of `--repeat` runs of each
is reported, with rows per second, "scoring overhead xN over plain CSV copy" and
"xN faster than the 60 s target". The target verdict uses the slowest scoring run. Each
child's CPU time is printed too: on a busy machine it is steadier than the wall clock.

The command's output is then checked: the exit status, one output row per good input
row (same line numbers and ids), every bad row reported on stderr with its line number,
and 100 randomly chosen output rows compared field by field with `score()` called
directly. Exit status: 0 when every file met the target and passed the checks, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for _path in (REPO, Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from make_responses import Responses, write_responses  # noqa: E402

from tessera.instruments.scoring import Definition, ScoreResult, load_definition, score  # noqa: E402

COPY_SCRIPT = """\
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    csv.writer(sys.stdout, lineterminator="\\n").writerows(csv.reader(handle))
"""
LINE_REPORT = re.compile(r"^line (\d+): ")


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system time of the child process
    exit_code: int


@dataclass(frozen=True)
class Measurement:
    instrument: str
    rows: int
    bad_rows: int
    score_runs: tuple[Run, ...]
    copy_runs: tuple[Run, ...]
    problems: tuple[str, ...]
    checked: str

    @property
    def score_best(self) -> float:
        return min(r.seconds for r in self.score_runs)

    @property
    def copy_best(self) -> float:
        return min(r.seconds for r in self.copy_runs)

    @property
    def score_worst(self) -> float:
        return max(r.seconds for r in self.score_runs)

    @property
    def score_cpu(self) -> float:
        return min(r.cpu_seconds for r in self.score_runs)

    @property
    def copy_cpu(self) -> float:
        return min(r.cpu_seconds for r in self.copy_runs)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_timed(argv: Sequence[str], out_path: Path, err_path: Path) -> Run:
    """Run argv with stdout and stderr going to files: wall-clock and CPU seconds, status."""
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=REPO, env=_env())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    return Run(seconds, usage.ru_utime + usage.ru_stime, process.returncode)


def score_command(instrument: str, path: Path) -> list[str]:
    return [sys.executable, "-m", "tessera.instruments", "score", instrument, str(path)]


def copy_command(path: Path) -> list[str]:
    return [sys.executable, "-c", COPY_SCRIPT, str(path)]


# --- checking the command's output --------------------------------------------------------


def expected_cells(definition: Definition, result: ScoreResult, lang: str = "en") -> dict:
    """The output fields for one scored row, worked out from score()'s result."""

    def cell(value: object) -> str:
        return "" if value is None else str(value)

    band = result.band
    cells = {
        "total": cell(result.total),
        "band": band.code if band else "",
        "band_label": (band.label.get(lang) or band.code) if band else "",
    }
    for sub in definition.subscales:
        sub_result = result.subscales[sub.code]
        cells[f"sub_{sub.code}"] = cell(sub_result.score)
        cells[f"sub_{sub.code}_band"] = sub_result.band.code if sub_result.band else ""
    for rule in definition.caseness:
        cells[f"case_{rule.code}"] = str(int(result.caseness[rule.code]))
    for rule in definition.criteria:
        met = result.criteria[rule.code].met
        cells[f"criterion_{rule.code}"] = "" if met is None else str(int(met))
    cells["risk_flags"] = ";".join(flag.code for flag in result.risk_flags)
    cells["missing_handling"] = ";".join(result.missing_handling)
    return cells


def check_output(
    definition: Definition,
    responses: Responses,
    run: Run,
    out_path: Path,
    err_path: Path,
    *,
    spot_checks: int = 100,
    seed: int = 1,
) -> tuple[list[str], str]:
    """Problems found in one scoring run's output (empty when all is well), and a summary."""
    problems: list[str] = []
    bad = len(responses.bad_lines)
    expected_exit = 1 if bad else 0
    if run.exit_code != expected_exit:
        problems.append(f"exit status {run.exit_code}, expected {expected_exit}")

    with responses.path.open(encoding="utf-8", newline="") as handle:
        input_rows = list(csv.reader(handle))
    header = input_rows[0]
    by_line = {line: cells for line, cells in enumerate(input_rows[1:], start=2)}
    good_lines = set(by_line) - responses.bad_lines

    reported = _reported_lines(err_path)
    if reported != responses.bad_lines:
        missed, extra = responses.bad_lines - reported, reported - responses.bad_lines
        problems.append(
            f"stderr reports {len(reported)} bad row(s), expected {bad} "
            f"(not reported: {sorted(missed)[:5]}, unexpected: {sorted(extra)[:5]})"
        )

    with out_path.open(encoding="utf-8", newline="") as handle:
        output_rows = list(csv.DictReader(handle))
    out_lines = [int(row["line"]) for row in output_rows]
    if len(output_rows) != len(good_lines):
        problems.append(f"{len(output_rows)} output row(s) for {len(good_lines)} good input row(s)")
    if set(out_lines) != good_lines:
        problems.append("the output's line numbers are not those of the good input rows")
    if out_lines != sorted(out_lines):
        problems.append("the output rows are not in input order")

    sample = random.Random(seed).sample(output_rows, min(spot_checks, len(output_rows)))
    mismatches = 0
    for row in sample:
        cells = by_line.get(int(row["line"]))
        if cells is None:
            mismatches += 1
            continue
        answers = {
            int(name[4:]): int(value)
            for name, value in zip(header, cells, strict=True)
            if name.startswith("item") and value
        }
        want = {"id": cells[0], **expected_cells(definition, score(definition, answers))}
        got = {key: row.get(key) for key in want}
        if got != want:
            mismatches += 1
            if mismatches <= 3:
                problems.append(f"line {row['line']}: output {got} but score() gives {want}")
    if mismatches:
        problems.append(f"{mismatches} of {len(sample)} spot-checked row(s) differ from score()")

    summary = (
        f"{len(output_rows):,} rows out for {len(good_lines):,} good rows in; "
        f"{len(reported):,} of {bad:,} bad rows reported on stderr; "
        f"{len(sample) - mismatches} of {len(sample)} spot-checked rows match score()"
    )
    return problems, summary


def _reported_lines(err_path: Path) -> set[int]:
    with err_path.open(encoding="utf-8") as handle:
        return {int(m.group(1)) for m in map(LINE_REPORT.match, handle) if m}


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


# --- the benchmark ------------------------------------------------------------------------


def measure(
    instrument: str, workdir: Path, *, rows: int, bad_share: float, repeat: int, seed: int
) -> Measurement:
    definition = load_definition(instrument)
    stem = re.sub(r"[^a-z0-9]", "", definition.code.lower())
    responses = write_responses(
        definition, rows, workdir / f"{stem}.csv", seed=seed, bad_share=bad_share
    )
    out, err = workdir / f"{stem}.out.csv", workdir / f"{stem}.err.txt"
    copy_out, copy_err = workdir / f"{stem}.copy.csv", workdir / f"{stem}.copy.err.txt"
    score_runs: list[Run] = []
    copy_runs: list[Run] = []
    for _ in range(repeat):
        copy_runs.append(run_timed(copy_command(responses.path), copy_out, copy_err))
        score_runs.append(run_timed(score_command(definition.code, responses.path), out, err))

    problems: list[str] = []
    if any(r.exit_code for r in copy_runs) or _count_lines(copy_out) != rows + 1:
        problems.append(f"the CSV copy baseline failed: {copy_err.read_text()[-500:]}")
    if len({r.exit_code for r in score_runs}) != 1:
        problems.append(f"exit status differs between runs: {[r.exit_code for r in score_runs]}")
    found, checked = check_output(definition, responses, score_runs[-1], out, err, seed=seed)
    return Measurement(
        instrument=definition.code,
        rows=rows,
        bad_rows=len(responses.bad_lines),
        score_runs=tuple(score_runs),
        copy_runs=tuple(copy_runs),
        problems=tuple(problems + found),
        checked=checked,
    )


def report(m: Measurement, target: float) -> bool:
    """Print one instrument's figures; True when it met the target and passed the checks."""
    met = m.score_worst < target

    def runs(measured: Sequence[Run]) -> str:
        return ", ".join(f"{r.seconds:.2f}" for r in measured)

    print(f"\n{m.instrument}: {m.rows:,} rows ({m.bad_rows:,} bad)")
    print(
        f"  score     {m.score_best:7.2f} s {m.rows / m.score_best:>10,.0f} rows/s"
        f"   CPU {m.score_cpu:6.2f} s   runs: {runs(m.score_runs)} s"
    )
    print(
        f"  CSV copy  {m.copy_best:7.2f} s {m.rows / m.copy_best:>10,.0f} rows/s"
        f"   CPU {m.copy_cpu:6.2f} s   runs: {runs(m.copy_runs)} s"
    )
    print(
        f"  scoring overhead ×{m.score_best / m.copy_best:.1f} over plain CSV copy"
        f" (CPU time: ×{m.score_cpu / m.copy_cpu:.1f})"
    )
    if met:
        print(
            f"  ×{target / m.score_worst:.1f} faster than the {target:g} s target "
            f"(slowest run {m.score_worst:.2f} s)"
        )
    else:
        print(
            f"  MISSED the {target:g} s target: slowest run {m.score_worst:.2f} s, "
            f"×{m.score_worst / target:.2f} too slow"
        )
    print(f"  checks: {m.checked}")
    for problem in m.problems:
        print(f"  CHECK FAILED: {problem}")
    return met and not m.problems


def _load_note() -> str:
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    note = f"load average {load:.1f} on {cpus} CPU(s)"
    if load > cpus:
        note += " (busy machine: wall-clock figures are inflated; CPU times are steadier)"
    return note


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per file (100000)")
    parser.add_argument(
        "--instruments", nargs="+", default=["PHQ-9", "DASS-21"], help="(PHQ-9 DASS-21)"
    )
    parser.add_argument("--bad-share", type=float, default=0.01, help="share of bad rows (0.01)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--target", type=float, default=60.0, help="seconds per file (60)")
    parser.add_argument(
        "--workdir", type=Path, help="keep the files here (default: a temporary directory)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        print("error: --rows and --repeat must be at least 1", file=sys.stderr)
        return 2
    print("Batch scoring: python -m tessera.instruments score INSTRUMENT FILE.csv")
    print(
        f"Python {sys.version.split()[0]}; {args.rows:,} rows per file, {args.bad_share:.1%} bad, "
        f"seed {args.seed}; best of {args.repeat} run(s), score and CSV copy alternating"
    )
    print(f"Before: {_load_note()}")
    results: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for instrument in args.instruments:
            m = measure(
                instrument,
                workdir,
                rows=args.rows,
                bad_share=args.bad_share,
                repeat=args.repeat,
                seed=args.seed,
            )
            results.append(report(m, args.target))
            sys.stdout.flush()
    print(f"\nAfter: {_load_note()}")
    if all(results):
        print(f"OK: every file scored under the {args.target:g} s target and passed the checks")
        return 0
    print("FAILED: a file missed the target or failed a check (see above)")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
