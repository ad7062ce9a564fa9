"""A worksheet answer as plain text, to quote in a reply."""

from __future__ import annotations

from tessera.treatment.worksheet_text import worksheet_lines


def answer_as_text(answer) -> str:
    """'Label: value' per field, in the worksheet's order; a table row per line."""
    return "\n".join(worksheet_lines(answer))
