"""Tables as files: the per-episode outcome table in the outcome engine's CSV format
(the columns ``python -m tessera.outcomes classify`` writes, so that the file can be
checked again with the command), and any report table as CSV or as an Excel workbook
(openpyxl, decision 0021): one sheet per table, numbers as numbers, a bold header row
and the table's title in the sheet's first row."""

from __future__ import annotations

import csv
import io
import re
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


def engine_rows(rows: QuerySet[EpisodeOutcome], *, as_text: bool = True) -> Iterator[list]:
    """The header and one line per episode, read in chunks from the database: cells as
    the CSV writes them, or (``as_text=False``) the values themselves, for a workbook."""
    yield [*ENGINE_COLUMNS, *LABEL_COLUMNS]
    fields = ["episode_id", "problem_area", *EpisodeOutcome.ENGINE_FIELDS, *LABEL_COLUMNS]
    for values in rows.order_by("episode_id").values_list(*fields).iterator(chunk_size=2000):
        yield [_cell(value) for value in values] if as_text else list(values)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([_cell(cell) for cell in row])


# Characters Excel refuses in a sheet title, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_TITLE_MAX = 31


def _xlsx_cell(sheet, value):
    """Numbers stay numbers; text is always text (openpyxl would store text starting
    with "=" as a formula, so such a cell is marked as a string)."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (no ``\\/*?:[]``, at most 31 characters), unique
    within the workbook."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def xlsx_bytes(sheets: Iterable[tuple[str, list, Iterable[list]]]) -> bytes:
    """A workbook with one sheet per ``(title, header, rows)``: the title in A1, the
    header (bold, frozen) in row 2, the rows below. Written in openpyxl's write-only
    mode, so a long table is streamed rather than held as cell objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title, used))
        sheet.freeze_panes = "A3"
        heading = WriteOnlyCell(sheet, value=title)
        heading.font = bold
        sheet.append([heading])
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=str(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    if not used:
        workbook.create_sheet("Sheet")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
