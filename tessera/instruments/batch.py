"""Batch scoring from the command line (no Django needed).

    python -m tessera.instruments list
    python -m tessera.instruments score PHQ-9 answers.csv [--format csv|json] [--lang en]

Input: a header row with item1..itemN (one column per scored item), optionally `id` and
the instrument's unscored items; one response per row; an empty cell is an unanswered
item. Comma, semicolon or tab separated, UTF-8 (a spreadsheet's BOM is fine).
Output on stdout, one line per scored row. Rows that cannot be scored are reported on
stderr with their line number and the reason; the others are still scored.
Exit status: 0 all rows scored, 1 some rows could not be scored, 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from .scoring import (
    Definition,
    InvalidAnswersError,
    RiskOverrideError,
    ScoreResult,
    UnknownInstrumentError,
    load_all,
    load_definition,
    score,
)

EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The file as a whole cannot be used (missing columns, unreadable file)."""


@dataclass(frozen=True)
class Row:
    line: int
    row_id: str | None
    answers: dict[int, int]
    problems: tuple[str, ...] = ()  # cells that could not be read


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tessera.instruments")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the shipped instruments")
    scorer = commands.add_parser("score", help="score a CSV file of responses")
    scorer.add_argument("instrument", help="instrument code, e.g. PHQ-9")
    scorer.add_argument("file", help="CSV file, or - for standard input")
    scorer.add_argument("--format", choices=("csv", "json"), default="csv")
    scorer.add_argument("--lang", default="en", help="language of band labels (default en)")
    scorer.add_argument(
        "--risk-override",
        action="append",
        default=[],
        metavar="RULE=N",
        help="a clinic's own threshold for a risk rule, e.g. phq9_item9=2 (repeatable)",
    )
    return parser


def main(argv: list[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:  # fmt: skip
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.command == "list":
        return list_instruments(out)
    try:
        definition = load_definition(args.instrument)
        overrides = _overrides(definition, args.risk_override)
        rows = _rows(definition, _read(args.file))
    except (UnknownInstrumentError, UsageError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    return score_rows(
        definition, rows, out, err, fmt=args.format, lang=args.lang, overrides=overrides
    )


def _rows(definition: Definition, text: str) -> list[Row | tuple[int, str]]:
    rows: list[Row | tuple[int, str]] = []
    try:
        for row in parse_csv(definition, text):
            rows.append(row)
    except csv.Error as exc:  # a cell past the field limit, a quote left open at the end
        raise UsageError(f"the file cannot be read as CSV after {len(rows)} row(s): {exc}") from exc
    return rows


def _overrides(definition: Definition, pairs: list[str]) -> dict[str, int]:
    overrides = {}
    for pair in pairs:
        code, _, value = pair.partition("=")
        try:
            overrides[code.strip()] = int(value)
        except ValueError:
            raise UsageError(f"--risk-override needs RULE=N, not {pair!r}") from None
    try:
        score(definition, {}, risk_overrides=overrides)  # checks codes and ranges
    except RiskOverrideError as exc:
        raise UsageError(str(exc)) from None
    return overrides


def list_instruments(out: TextIO) -> int:
    print(f"{'CODE':<9} {'ITEMS':>5}  {'RANGE':<7}  {'WORDING':<13}  NAME", file=out)
    for d in load_all().values():
        wording = "clinic enters" if d.wording_must_be_entered_by_clinic else "shipped (en)"
        span = f"{d.min_total}-{d.max_total}"
        print(f"{d.code:<9} {d.item_count:>5}  {span:<7}  {wording:<13}  {d.name}", file=out)
    return EXIT_OK


def _read(path: str) -> str:
    """The file (or standard input) as text: UTF-8, a BOM dropped, whatever the locale."""
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(f"{name} is UTF-16 text; save it as CSV UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from exc


def _delimiter(text: str) -> str:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    for candidate in (",", ";", "\t"):
        if candidate in header:
            return candidate
    return ","


def _columns(definition: Definition, header: list[str]) -> dict[int, int | str]:
    """Map column index to item number (or 'id'); refuse headers that do not fit."""
    names = [h.strip().lower() for h in header]
    if len(set(names)) != len(names):
        raise UsageError("the header repeats a column name")
    scored = {f"item{n}": n for n in definition.item_numbers}
    unscored = {f"item{i.number}": i.number for i in definition.unscored_items}
    absent = [name for name in scored if name not in names]
    if absent:
        raise UsageError(f"{definition.code} needs the column(s) {', '.join(absent)}")
    mapping: dict[int, int | str] = {}
    for index, name in enumerate(names):
        if name == "id":
            mapping[index] = "id"
        elif name in scored or name in unscored:
            mapping[index] = scored.get(name) or unscored[name]
        else:
            raise UsageError(f"unknown column {header[index]!r} for {definition.code}")
    return mapping


def parse_csv(definition: Definition, text: str) -> Iterator[Row | tuple[int, str]]:
    """Yield a Row per readable line, or (line, reason) for a line that cannot be read."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text))
    header = next(reader, None)
    if not header:
        raise UsageError("the file is empty")
    mapping = _columns(definition, header)
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield reader.line_num, f"expected {len(header)} cells, found {len(cells)}"
            continue
        answers, problems, row_id = {}, [], None
        for index, cell in enumerate(cells):
            key, cell = mapping[index], cell.strip()
            if key == "id":
                row_id = cell
            elif cell:
                try:
                    answers[int(key)] = int(cell)
                except ValueError:
                    problems.append(f"item{key}: {cell!r} is not a whole number")
        yield Row(reader.line_num, row_id, answers, tuple(problems))


def score_rows(definition: Definition, rows: list[Row | tuple[int, str]], out: TextIO,
               err: TextIO, *, fmt: str, lang: str,
               overrides: dict[str, int] | None = None) -> int:  # fmt: skip
    scored: list[tuple[Row, ScoreResult]] = []
    bad = 0
    for row in rows:
        if isinstance(row, tuple):
            line, reason = row
        else:
            line, result, reason = row.line, None, "; ".join(row.problems)
            if not row.problems:
                try:
                    result = score(definition, row.answers, risk_overrides=overrides)
                except InvalidAnswersError as exc:
                    reason = str(exc)
            if result is not None and result.complete:
                scored.append((row, result))
                continue
            reason = reason or "; ".join(result.notes if result else ())
            reason += _risk_note(definition, row.answers, overrides)
        bad += 1
        print(f"line {line}: {reason}", file=err)
    has_id = any(row.row_id is not None for row, _ in scored)
    if fmt == "json":
        _write_json(scored, out)
    else:
        _write_csv(definition, scored, out, lang=lang, has_id=has_id)
    if bad:
        print(f"{bad} of {bad + len(scored)} row(s) could not be scored", file=err)
    return EXIT_BAD_ROWS if bad else EXIT_OK


def _risk_note(definition: Definition, answers: dict[int, int],
               overrides: dict[str, int] | None) -> str:  # fmt: skip
    """Risk flags among the answers that are valid, so a rejected row never hides one."""
    usable = {}
    for number, value in answers.items():
        try:
            if value in definition.item(number).values:
                usable[number] = value
        except KeyError:
            continue
    flags = score(definition, usable, risk_overrides=overrides).risk_flags
    if not flags:
        return ""
    return f" [RISK among the answered items: {', '.join(f.code for f in flags)}]"


def _label(band: Any, lang: str) -> str:
    if band is None:
        return ""
    return band.label.get(lang) or band.code


def _write_csv(definition: Definition, scored: list[tuple[Row, ScoreResult]], out: TextIO, *,
               lang: str, has_id: bool) -> None:  # fmt: skip
    header = ["line"] + (["id"] if has_id else []) + ["total", "band", "band_label"]
    for sub in definition.subscales:
        header += [f"sub_{sub.code}", f"sub_{sub.code}_band"]
    header += [f"case_{c.code}" for c in definition.caseness]
    header += [f"criterion_{c.code}" for c in definition.criteria]
    header += ["risk_flags", "missing_handling"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row, result in scored:
        cells: list[Any] = [row.line] + ([row.row_id or ""] if has_id else [])
        cells += [result.total, result.band.code if result.band else "", _label(result.band, lang)]
        for sub in definition.subscales:
            sub_result = result.subscales[sub.code]
            cells += [sub_result.score, sub_result.band.code if sub_result.band else ""]
        cells += [int(result.caseness[c.code]) for c in definition.caseness]
        cells += [_yes_no(result.criteria[c.code].met) for c in definition.criteria]
        cells += [";".join(f.code for f in result.risk_flags), ";".join(result.missing_handling)]
        writer.writerow(cells)


def _yes_no(met: bool | None) -> str:
    return "" if met is None else str(int(met))


def _write_json(scored: list[tuple[Row, ScoreResult]], out: TextIO) -> None:
    records = [{"line": row.line, "id": row.row_id, **result.to_dict()} for row, result in scored]
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")
