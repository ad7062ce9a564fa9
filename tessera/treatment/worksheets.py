"""Worksheet fields: showing them with the patient's values, and reading a form post.

Field specs come from the module (docs/content-packages.md). Values are kept as text
exactly as typed, so nothing a patient writes is lost to a conversion; a table's rows
are lists of dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tessera.programs.markdown import render

MAX_TEXT = 20_000
MAX_ROWS = 200  # rows of one table a post may carry; more is refused, never dropped
TABLE_ROWS = 7  # empty rows offered at the end of a table, e.g. a week of diary


def render_markdown(text: str, care_model: str | None = None, crisis=None) -> SafeString:
    """A step's text as the patient reads it; ``crisis`` is what its crisis blocks show
    (``tessera.programs.markdown.crisis_for``, or a function giving it)."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string

    return render(text, care_model=care_model, crisis=crisis)


@dataclass
class FieldView:
    key: str
    label: str
    type: str
    value: object = ""
    choices: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    required: bool = False
    error: str = ""
    stacked: bool = False  # a one-row table shown as labelled fields (a diary entry)
    max_length: int = MAX_TEXT  # maxlength of its inputs; longer is refused (check_lengths)

    @property
    def scale(self) -> range:
        return range(0, 11) if self.type == "scale_0_10" else range(0, 101, 10)


def _blank(wanted: int, filled: int) -> int:
    if wanted == 1:
        return 0 if filled else 1
    return max(1, wanted - filled)


def field_views(
    specs: list[dict], values: dict, *, blank_rows: int = TABLE_ROWS, errors: dict | None = None
) -> list[FieldView]:
    """The fields with the values so far. A table offers empty rows up to ``blank_rows``
    (a diary entry is one row: ``blank_rows=1``)."""
    views = []
    for spec in specs:
        view = FieldView(
            key=spec["key"],
            label=spec.get("label", spec["key"]),
            type=spec.get("type", "text"),
            value=values.get(spec["key"], ""),
            choices=spec.get("choices", []),
            required=bool(spec.get("required")),
            error=(errors or {}).get(spec["key"], ""),
        )
        if view.type == "table":
            view.columns = spec.get("columns", [])
            saved = values.get(spec["key"]) or []
            rows = [row for row in saved if isinstance(row, dict)]
            view.rows = [
                [
                    (
                        col["key"],
                        col.get("type", "text"),
                        row.get(col["key"], ""),
                        (errors or {}).get(f"{view.key}-{index}-{col['key']}", ""),
                        col.get("label", col["key"]),
                    )
                    for col in view.columns
                ]
                for index, row in enumerate(rows + [{}] * _blank(blank_rows, len(rows)))
            ]
            view.stacked = len(view.rows) == 1
        views.append(view)
    return views


def read_values(specs: list[dict], data) -> dict:
    """A post's values as typed: nothing is cut. Text longer than MAX_TEXT and tables of
    more than MAX_ROWS rows are refused by check_lengths, so the patient sees a message
    and keeps what was typed (one row past the limit is read to notice it)."""
    values = {}
    for spec in specs:
        key = spec["key"]
        if spec.get("type") == "table":
            rows = []
            for index in range(MAX_ROWS + 1):
                cells = {
                    col["key"]: data.get(f"{key}-{index}-{col['key']}", "").strip()
                    for col in spec.get("columns", [])
                }
                if not any(f"{key}-{index}-" in name for name in data):
                    break
                if any(cells.values()):
                    rows.append(cells)
            values[key] = rows
        else:
            values[key] = data.get(key, "")
    return values


def _too_long(text: str) -> str:
    return _(
        "This is %(length)s characters long; keep it to %(limit)s or fewer. "
        "Nothing was saved: what you wrote is still here."
    ) % {"length": f"{len(text):,}", "limit": f"{MAX_TEXT:,}"}


def check_lengths(specs: list[dict], values: dict) -> dict[str, str]:
    """Values too long to keep, by field key (a cell's key is ``<field>-<row>-<column>``).
    read_values() cuts nothing, so a post that bypasses the inputs' maxlength is refused
    here with a message instead of being shortened without a word."""
    problems: dict[str, str] = {}
    for spec in specs:
        key = spec["key"]
        value = values.get(key)
        if spec.get("type") == "table":
            rows = value or []
            if len(rows) > MAX_ROWS:
                problems[key] = _(
                    "A table holds at most %(limit)s rows. Nothing was saved: "
                    "remove some rows and save again."
                ) % {"limit": MAX_ROWS}
            for index, row in enumerate(rows[:MAX_ROWS]):
                for col in spec.get("columns", []):
                    text = str(row.get(col["key"], ""))
                    if len(text) > MAX_TEXT:
                        problems[f"{key}-{index}-{col['key']}"] = _too_long(text)
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            problems[key] = _too_long(value)
    return problems


# --- Checking values (diary entries: each one is a finished registration) -------------


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None


def _type_problem(kind: str, text: str, choices=()) -> str | None:
    """Why a non-empty text cannot be a value of this field type, or None."""
    if kind == "number" and _number(text) is None:
        return _("Enter a number.")
    if kind in ("scale_0_10", "scale_0_100"):
        top = 10 if kind == "scale_0_10" else 100
        number = _number(text)
        if number is None or not 0 <= number <= top:
            return _("Enter a number from 0 to %(top)s.") % {"top": top}
    if kind == "choice" and choices and text not in choices:
        return _("Choose one of the options.")
    parse = {
        "date": dt.date.fromisoformat,
        "time": dt.time.fromisoformat,
        "datetime": dt.datetime.fromisoformat,
    }.get(kind)
    if parse is not None:
        try:
            parse(text)
        except ValueError:
            return {
                "date": _("Enter a date (year-month-day)."),
                "time": _("Enter a time (hours:minutes)."),
                "datetime": _("Enter a date and a time."),
            }[kind]
    return None


def check_values(specs: list[dict], values: dict) -> dict[str, str]:
    """Problems with read_values() output, by field key (a table cell's key is
    ``<field>-<row>-<column>``). Empty optional fields are fine; values are not changed:
    what the patient typed is kept as typed and shown back beside the message."""
    problems: dict[str, str] = check_lengths(specs, values)
    for spec in specs:
        key, kind = spec["key"], spec.get("type", "text")
        value = values.get(key)
        if kind == "table":
            rows = value or []
            if spec.get("required") and not rows:
                problems[key] = _("Fill in at least one row.")
            for index, row in enumerate(rows):
                for col in spec.get("columns", []):
                    text = str(row.get(col["key"], "")).strip()
                    problem = text and _type_problem(col.get("type", "text"), text)
                    if problem and f"{key}-{index}-{col['key']}" not in problems:
                        problems[f"{key}-{index}-{col['key']}"] = problem
            continue
        text = str(value or "").strip()
        if not text:
            if spec.get("required"):
                problems[key] = _("This field is required.")
            continue
        problem = _type_problem(kind, text, spec.get("choices", []))
        if problem and key not in problems:
            problems[key] = problem
    return problems
