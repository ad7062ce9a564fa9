"""Worksheet fields: showing them with the patient's values, and reading a form post.

Field specs come from the module (docs/content-packages.md). Values are kept as text
exactly as typed, so nothing a patient writes is lost to a conversion; a table's rows
are lists of dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

MAX_TEXT = 20_000
TABLE_ROWS = 7  # empty rows offered at the end of a table, e.g. a week of diary


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    from tessera.programs.markdown import render

    return render(text)


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

    @property
    def scale(self) -> range:
        return range(0, 11) if self.type == "scale_0_10" else range(0, 101, 10)


def field_views(specs: list[dict], values: dict) -> list[FieldView]:
    views = []
    for spec in specs:
        view = FieldView(
            key=spec["key"],
            label=spec.get("label", spec["key"]),
            type=spec.get("type", "text"),
            value=values.get(spec["key"], ""),
            choices=spec.get("choices", []),
            required=bool(spec.get("required")),
        )
        if view.type == "table":
            view.columns = spec.get("columns", [])
            saved = values.get(spec["key"]) or []
            rows = [row for row in saved if isinstance(row, dict)]
            view.rows = [
                [
                    (col["key"], col.get("type", "text"), row.get(col["key"], ""))
                    for col in view.columns
                ]
                for row in rows + [{}] * max(1, TABLE_ROWS - len(rows))
            ]
        views.append(view)
    return views


def read_values(specs: list[dict], data) -> dict:
    values = {}
    for spec in specs:
        key = spec["key"]
        if spec.get("type") == "table":
            rows = []
            for index in range(200):
                cells = {
                    col["key"]: data.get(f"{key}-{index}-{col['key']}", "")[:MAX_TEXT].strip()
                    for col in spec.get("columns", [])
                }
                if not any(f"{key}-{index}-" in name for name in data):
                    break
                if any(cells.values()):
                    rows.append(cells)
            values[key] = rows
        else:
            values[key] = data.get(key, "")[:MAX_TEXT]
    return values
