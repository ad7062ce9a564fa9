"""Reading the episode file: the header, every cell checked, one classification per line.

Pure Python, like the rest of the engine. cli.py turns what this reads into output;
the outcome reports will read their own rows and call rules.classify() directly.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterator
from typing import TextIO

from tessera.instruments.scoring.definitions import normalise_code

from .measures import Entry, load_table, not_on_file
from .rules import Classification, classify

MAX_REPORTED = 50
_CACHE_LIMIT = 100_000  # distinct cells remembered per cache before starting over
COLUMNS = (
    "episode",
    "problem",
    "dep_instrument",
    "dep_first",
    "dep_last",
    "anx_instrument",
    "anx_first",
    "anx_last",
    "attended_contacts",
)


class UsageError(Exception):
    """The file as a whole cannot be used (unreadable, empty, missing columns)."""


class LineError(Exception):
    """One line cannot be read; the message says why."""


class Reader:
    """Reads episode rows, checks every cell, and remembers what was wrong where."""

    def __init__(self, *, allow_unconfirmed: bool = False) -> None:
        self.allow_unconfirmed = allow_unconfirmed
        self.errors: list[str] = []
        self.bad_lines = 0
        self.used: dict[str, Entry] = {}  # measures seen, to name their status at the end
        self.ignored: list[str] = []
        # Cells already read without a problem, for speed: role -> cell -> measure;
        # measure (None: no instrument) -> cell -> score; contacts cell -> count.
        self._instruments: dict[str, dict[str, Entry | None]] = {"depression": {}, "anxiety": {}}
        self._values: dict[Entry | None, dict[str, float | None]] = {}
        self._contacts: dict[str, int | None] = {}

    def rows(self, handle: TextIO) -> Iterator[tuple[list[str], Classification]]:
        """Yield (the nine cells in COLUMNS order, the classification) per good line."""
        try:
            first = handle.readline()
        except UnicodeDecodeError as exc:
            if exc.start == 0 and bytes(exc.object[:2]) in (b"\xff\xfe", b"\xfe\xff"):
                raise UsageError("the file is UTF-16 text; save it as CSV UTF-8") from exc
            raise UsageError(f"the file is not UTF-8 text: {exc}") from exc
        if not first.strip():
            raise UsageError("the file is empty: it needs a header row")
        delimiter = _delimiter(first)
        lines = csv.reader(itertools.chain([first], handle), delimiter=delimiter)
        try:
            header = next(lines)
        except csv.Error as exc:  # a cell past the field limit: not a header
            raise UsageError(f"line 1: {exc}") from exc
        order = self._header(header)
        width = len(order[1])
        in_order = order[0] == list(range(len(COLUMNS))) and width == len(COLUMNS)
        try:
            for cells in lines:
                if len(cells) != width:
                    if not any(c.strip() for c in cells):
                        continue  # a blank line
                    self._fail(lines.line_num, f"expected {width} cells, found {len(cells)}")
                    continue
                picked = cells if in_order else [cells[i] for i in order[0]]
                try:
                    yield picked, self._classify(picked)
                except LineError as exc:
                    self._fail(lines.line_num, str(exc))
        except UnicodeDecodeError as exc:
            raise UsageError(f"the file is not UTF-8 text after line {lines.line_num}") from exc
        except csv.Error as exc:
            raise UsageError(f"line {lines.line_num}: {exc}") from exc

    def report(self, err: TextIO) -> bool:
        """Print the problems (and notes) to stderr; True when a line was bad."""
        if self.ignored:
            print(f"note: ignored column(s) {', '.join(self.ignored)}", file=err)
        for entry in sorted(self.used.values(), key=lambda e: e.code):
            if entry.status != "confirmed":
                print(
                    f"note: the thresholds of {entry.code} are {entry.status} "
                    f"(see docs/outcomes.md)",
                    file=err,
                )
        for message in self.errors:
            print(message, file=err)
        if self.bad_lines > len(self.errors):
            print(f"... and {self.bad_lines - len(self.errors)} more bad line(s)", file=err)
        if self.bad_lines:
            print(
                f"error: {self.bad_lines} line(s) could not be read; nothing was written",
                file=err,
            )
        return bool(self.bad_lines)

    def _fail(self, line: int, message: str) -> None:
        self.bad_lines += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(f"line {line}: {message}")

    def _header(self, header: list[str]) -> tuple[list[int], list[str]]:
        names = [h.strip().lower() for h in header]
        repeated = sorted({n for n in names if names.count(n) > 1 and n})
        if repeated:
            raise UsageError(f"the header repeats the column(s) {', '.join(repeated)}")
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise UsageError(
                f"the header lacks the column(s) {', '.join(missing)}; "
                f"it needs {', '.join(COLUMNS)}"
            )
        self.ignored = [h for h, n in zip(header, names, strict=True) if n and n not in COLUMNS]
        return [names.index(c) for c in COLUMNS], names

    def _classify(self, cells: list[str]) -> Classification:
        _episode, _problem, dep_code, dep_a, dep_b, anx_code, anx_a, anx_b, contacts = cells
        # The fast path: every cell of the row has been read before on a good line.
        try:
            dep = self._instruments["depression"][dep_code]
            anx = self._instruments["anxiety"][anx_code]
            dep_values, anx_values = self._values[dep], self._values[anx]
            return classify(
                dep,
                dep_values[dep_a],
                dep_values[dep_b],
                anx,
                anx_values[anx_a],
                anx_values[anx_b],
                self._contacts[contacts],
            )
        except KeyError:
            pass
        problems: list[str] = []
        dep = self._instrument(dep_code, "dep_instrument", "depression", problems)
        anx = self._instrument(anx_code, "anx_instrument", "anxiety", problems)
        scores = [
            self._score(entry, code, cell, column, problems)
            for entry, code, cell, column in (
                (dep, dep_code, dep_a, "dep_first"),
                (dep, dep_code, dep_b, "dep_last"),
                (anx, anx_code, anx_a, "anx_first"),
                (anx, anx_code, anx_b, "anx_last"),
            )
        ]
        count = _contacts(contacts, problems)
        if problems:
            raise LineError("; ".join(problems))
        _remember(self._contacts, contacts, count)
        return classify(dep, scores[0], scores[1], anx, scores[2], scores[3], count)

    def _score(
        self, entry: Entry | None, code: str, cell: str, column: str, problems: list[str]
    ) -> float | None:
        before = len(problems)
        value = _score(entry, code, cell, column, problems)
        # Only good cells are remembered; with no measure, only empty ones are good (a
        # score beside an unknown instrument was let through to report the instrument).
        if len(problems) == before and (entry is not None or not cell.strip()):
            _remember(self._values.setdefault(entry, {}), cell, value)
        return value

    def _instrument(self, cell: str, column: str, role: str, problems: list[str]) -> Entry | None:
        known = self._instruments[role]
        if cell in known:
            return known[cell]
        text = cell.strip()
        entry = None
        if text:
            key = normalise_code(text)
            entry = load_table().get(key)
            if entry is None:
                why = not_on_file().get(key)
                hint = f": {why}" if why else ""
                problems.append(f'unknown instrument "{text}" ({column}{hint})')
                return None
            if entry.role != role:
                problems.append(
                    f'{column} "{text}" is {_a(entry.role)} measure, not {_a(role)} measure'
                )
                return None
            if entry.status == "unconfirmed" and not self.allow_unconfirmed:
                problems.append(
                    f'the thresholds of "{text}" are unconfirmed ({column}); see '
                    f"docs/outcomes.md, or pass --allow-unconfirmed to use them"
                )
                return None
            self.used[entry.code] = entry
        _remember(known, cell, entry)
        return entry


def _remember(cache: dict, key: str, value: object) -> None:
    if len(cache) >= _CACHE_LIMIT:  # distinct cells are few in real data; stay bounded
        cache.clear()
    cache[key] = value


def _a(role: str) -> str:
    return "an anxiety" if role == "anxiety" else "a depression"


def _score(
    entry: Entry | None, code: str, cell: str, column: str, problems: list[str]
) -> float | None:
    text = cell.strip()
    if not text:
        return None
    if entry is None:
        if not code.strip():
            instrument = column.split("_")[0] + "_instrument"
            problems.append(f'{column} "{text}" is given but {instrument} is empty')
        return None  # the instrument's own problem is already reported
    try:
        value = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            problems.append(f'{column} "{text}" is not a number')
            return None
        if not math.isfinite(value):
            problems.append(f'{column} "{text}" is not a number')
            return None
        if entry.whole_numbers:
            problems.append(f'{column} "{text}" is not a whole number ({entry.code} totals are)')
            return None
    if not entry.min <= value <= entry.max:
        problems.append(
            f"{column} {text} is out of range for {entry.code} ({entry.min:g}-{entry.max:g})"
        )
        return None
    return value


def _contacts(cell: str, problems: list[str]) -> int | None:
    text = cell.strip()
    if not text:
        return None
    try:
        count = int(text)
    except ValueError:
        problems.append(f'attended_contacts "{text}" is not a whole number')
        return None
    if count < 0:
        problems.append(f"attended_contacts {text} is negative")
        return None
    return count


def _delimiter(header_line: str) -> str:
    for candidate in (",", ";", "\t"):
        if candidate in header_line:
            return candidate
    return ","
