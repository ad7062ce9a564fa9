"""Tables as files: the per-episode outcome table in the outcome engine's CSV format
(the columns ``python -m tessera.outcomes classify`` writes, so that the file can be
checked again with the command), and any report table as CSV. (Excel workbooks wait
for openpyxl, which is not installed yet.)"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from tessera.outcomes.reading import COLUMNS as ENGINE_COLUMNS

from .models import EpisodeOutcome

LABEL_COLUMNS = list(EpisodeOutcome.LABEL_FIELDS)


def _cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def engine_rows(rows: QuerySet[EpisodeOutcome]) -> Iterator[list[str]]:
    """The header and one line per episode, read in chunks from the database."""
    yield [*ENGINE_COLUMNS, *LABEL_COLUMNS]
    fields = ["episode_id", "problem_area", *EpisodeOutcome.ENGINE_FIELDS, *LABEL_COLUMNS]
    for values in rows.order_by("episode_id").values_list(*fields).iterator(chunk_size=2000):
        yield [_cell(value) for value in values]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([_cell(cell) for cell in row])
