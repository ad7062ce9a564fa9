"""Write a reproducible CSV of questionnaire responses for the batch scoring benchmark.

    python bench/make_responses.py PHQ-9 100000 phq9.csv [--seed 1] [--bad-share 0.01]

Columns: `id`, then `item1` .. `itemN` (every scored item of the instrument). Each good row
answers every item with a value the item offers, drawn from a seeded random generator, so
the same arguments always write the same file. `--bad-share` turns that share of the rows
(chosen at random, rounded to a whole number of rows) into rows the scorer must reject, in
turn: a value the item does not offer, a cell that is not a number, and a row with too few
cells. Rows with an unanswered item are not generated: whether those score depends on the
instrument's missing-answer rule.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tessera.instruments.scoring import (  # noqa: E402
    Definition,
    UnknownInstrumentError,
    load_definition,
)

BAD_KINDS = ("value_not_offered", "not_a_number", "too_few_cells")
FIRST_DATA_LINE = 2  # line 1 is the header


@dataclass(frozen=True)
class Responses:
    """What was written: the file, its instrument, and which lines the scorer must reject."""

    path: Path
    instrument: str
    rows: int
    bad_lines: frozenset[int]  # line numbers in the file, as the scorer reports them

    @property
    def good_rows(self) -> int:
        return self.rows - len(self.bad_lines)


def header(definition: Definition) -> list[str]:
    return ["id"] + [f"item{n}" for n in definition.item_numbers]


def write_responses(
    definition: Definition,
    rows: int,
    path: str | Path,
    *,
    seed: int = 1,
    bad_share: float = 0.0,
) -> Responses:
    """Write `rows` responses for `definition` to `path` (UTF-8, comma separated)."""
    if rows < 0:
        raise ValueError("rows must not be negative")
    if not 0.0 <= bad_share <= 1.0:
        raise ValueError("bad_share must be between 0 and 1")
    rng = random.Random(seed)
    offered = [sorted(item.values) for item in definition.items]
    bad_indexes = rng.sample(range(rows), round(rows * bad_share))
    bad_kind = {index: BAD_KINDS[k % len(BAD_KINDS)] for k, index in enumerate(bad_indexes)}
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header(definition))
        for index in range(rows):
            cells = [f"r{index + 1:07d}"] + [str(rng.choice(values)) for values in offered]
            kind = bad_kind.get(index)
            if kind is not None:
                cells = _spoil(cells, offered, kind, rng)
            writer.writerow(cells)
    return Responses(
        path=path,
        instrument=definition.code,
        rows=rows,
        bad_lines=frozenset(index + FIRST_DATA_LINE for index in bad_indexes),
    )


def _spoil(cells: list[str], offered: list[list[int]], kind: str, rng: random.Random) -> list[str]:
    if kind == "too_few_cells":
        return cells[: 1 + max(1, len(offered) // 2)]
    column = rng.randrange(len(offered))
    if kind == "value_not_offered":
        cells[1 + column] = str(max(offered[column]) + rng.randint(1, 5))
    else:
        cells[1 + column] = "x"
    return cells


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instrument", help="instrument code, e.g. PHQ-9")
    parser.add_argument("rows", type=int, help="number of data rows")
    parser.add_argument("file", help="CSV file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--bad-share",
        type=float,
        default=0.0,
        help="share of rows the scorer must reject, 0-1 (default 0)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        definition = load_definition(args.instrument)
        written = write_responses(
            definition, args.rows, args.file, seed=args.seed, bad_share=args.bad_share
        )
    except (UnknownInstrumentError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {written.rows} {written.instrument} row(s) to {written.path} "
        f"({len(written.bad_lines)} bad, {written.good_rows} good)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
