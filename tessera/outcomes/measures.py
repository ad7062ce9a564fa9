"""The measures the outcome rules know: measures.json, read into typed rows.

Each row holds a measure's NHS Talking Therapies caseness cut-off and reliable-change
points (as a tessera.instruments.scoring.talking_therapies.Measure, so that the rules
themselves stay in one place), the range of its totals for the out-of-range check, its
role (the depression measure or an anxiety measure) and how sure we are of its values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tessera.instruments.scoring.definitions import normalise_code
from tessera.instruments.scoring.talking_therapies import Measure

TABLE = Path(__file__).resolve().parent / "measures.json"
STATUSES = ("confirmed", "secondary", "unconfirmed")
ROLES = ("depression", "anxiety")


@dataclass(frozen=True, eq=False)  # compared by identity: one object per row of the table
class Entry:
    measure: Measure
    name: str
    role: str
    problems: tuple[str, ...]
    min: float
    max: float
    whole_numbers: bool
    status: str
    source: str

    @property
    def code(self) -> str:
        return self.measure.code


@cache
def load_table() -> dict[str, Entry]:
    """Every measure in measures.json, by normalised code and by each alias."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    table: dict[str, Entry] = {}
    for row in data["measures"]:
        entry = _entry(row)
        for name in (row["code"], *row["aliases"]):
            key = normalise_code(name)
            if key in table:
                raise ValueError(f"{TABLE.name}: {name!r} names two measures")
            table[key] = entry
    return table


@cache
def not_on_file() -> dict[str, str]:
    """Measures deliberately left out, with the reason (for the error message)."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return {normalise_code(code): why for code, why in data["not_on_file"].items()}


def entries() -> list[Entry]:
    """Each measure once, in the order of the file."""
    seen: dict[str, Entry] = {}
    for entry in load_table().values():
        seen.setdefault(entry.code, entry)
    return list(seen.values())


def _entry(row: dict) -> Entry:
    if row["status"] not in STATUSES or row["role"] not in ROLES:
        raise ValueError(f"{TABLE.name}: {row['code']}: bad status or role")
    if not row["source"].strip():
        raise ValueError(f"{TABLE.name}: {row['code']}: every row needs its source")
    if not row["min"] <= row["caseness_at_least"] <= row["max"]:
        raise ValueError(f"{TABLE.name}: {row['code']}: cut-off outside the range")
    return Entry(
        measure=Measure(
            code=row["code"],
            caseness_at_least=row["caseness_at_least"],
            reliable_change=row["reliable_change"],
            source=row["source"],
        ),
        name=row["name"],
        role=row["role"],
        problems=tuple(row["problems"]),
        min=row["min"],
        max=row["max"],
        whole_numbers=row["whole_numbers"],
        status=row["status"],
        source=row["source"],
    )
