"""`python -m tessera.outcomes classify|summarise FILE.csv` (no Django needed).

    python -m tessera.outcomes classify episodes.csv > classified.csv
    python -m tessera.outcomes summarise episodes.csv
    python -m tessera.outcomes summarise - < episodes.csv

Input: one row per episode with the columns of COLUMNS, in any order (header names are
matched without regard to case or surrounding spaces); comma, semicolon or tab
separated; UTF-8 (a spreadsheet's BOM is fine). Empty cells are allowed. Other columns
are ignored (named on stderr). docs/outcomes.md describes the format and the rules.

All or nothing: every line is checked, and if any cannot be read, each problem is
reported on stderr as `line N: ...` (the first reading.MAX_REPORTED, then a count), and
nothing is written to stdout. `classify` writes its rows to a temporary file as it goes
and copies them to stdout only when the whole file has been read, so memory stays flat
for large files and a bad line near the end cannot leave half a result behind.
Exit status: 0 done, 2 bad lines, unreadable file or bad usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
from typing import TextIO

from .reading import COLUMNS, Reader, UsageError
from .rules import Classification, Tally, format_rate

EXIT_OK, EXIT_BAD = 0, 2
_CHUNK = 10_000  # output lines gathered before each write to the spool file
OUTCOME_COLUMNS = (
    "finished",
    "caseness_start",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)
_FLAG = {True: "1", False: "0", None: ""}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tessera.outcomes",
        description="NHS Talking Therapies outcomes per episode (docs/outcomes.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("classify", "write each episode with its outcome as CSV"),
        ("summarise", "print the rates with their numerators and denominators"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("file", help="CSV file, or - for standard input")
        command.add_argument(
            "--allow-unconfirmed",
            action="store_true",
            help="use measures whose thresholds are marked unconfirmed in measures.json",
        )
    return parser


def main(
    argv: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run a command; the streams default to the process's own (tests pass their own)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message
        return EXIT_OK if exc.code == 0 else EXIT_BAD
    reader = Reader(allow_unconfirmed=args.allow_unconfirmed)
    try:
        with _open(args.file, stdin) as handle:
            if args.command == "classify":
                return _classify(reader, handle, out, err)
            return _summarise(reader, handle, out, err)
    except UsageError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_BAD


def _classify(reader: Reader, handle: TextIO, out: TextIO, err: TextIO) -> int:
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        lines = _Lines()
        writer = csv.writer(lines, lineterminator="\n")
        writer.writerow(COLUMNS + OUTCOME_COLUMNS)
        flags: dict[Classification, list[str]] = {}  # few distinct outcomes: format once
        for cells, result in reader.rows(handle):
            if reader.bad_lines:  # once a line is bad nothing will be written
                continue
            text = flags.get(result)
            if text is None:
                text = flags[result] = _flags(result)
            writer.writerow(cells + text)
            if len(lines.parts) >= _CHUNK:
                lines.flush(spool)
        if reader.report(err):
            return EXIT_BAD
        lines.flush(spool)
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    return EXIT_OK


class _Lines:
    """Where csv.writer puts its lines: a list, written to the spool in chunks (a text
    file's write() per row costs more than the row's classification)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write = self.parts.append

    def flush(self, target: TextIO) -> None:
        target.write("".join(self.parts))
        self.parts.clear()


def _summarise(reader: Reader, handle: TextIO, out: TextIO, err: TextIO) -> int:
    tally = Tally()
    for _cells, result in reader.rows(handle):
        tally.add(result)
    if reader.report(err):
        return EXIT_BAD
    print(f"episodes: {tally.episodes}", file=out)
    for name, numerator, denominator in tally.rates():
        print(format_rate(name, numerator, denominator), file=out)
    print(
        f"finished courses not at caseness at start (left out of recovery): "
        f"{tally.finished_not_at_caseness}",
        file=out,
    )
    print(
        f"not finished with 2 or more contacts because the scores are not paired: "
        f"{tally.contacts_without_pairs}",
        file=out,
    )
    return EXIT_OK


def _flags(result: Classification) -> list[str]:
    return [
        _FLAG[result.finished],
        _FLAG[result.caseness_start],
        _FLAG[result.recovered],
        _FLAG[result.reliable_improvement],
        _FLAG[result.reliable_deterioration],
        _FLAG[result.reliable_recovery],
    ]


def _open(path: str, stdin: TextIO | None = None) -> TextIO:
    if path == "-":
        if stdin is not None:
            return stdin
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by caller)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
