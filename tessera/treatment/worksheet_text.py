"""A sent worksheet answer as plain lines ("Label: value", a table row per line): quoted
in a reply by the care team (``messaging.quotes``) and read back by the patient on an
earlier course's page (decision 0154)."""

from __future__ import annotations


def worksheet_lines(answer) -> list[str]:
    """'Label: value' per field, in the worksheet's order; a table row per line."""
    lines = []
    values = answer.values or {}
    for spec in answer.step.fields or []:
        value = values.get(spec.get("key"))
        if not value:
            continue
        label = spec.get("label", spec.get("key", ""))
        if isinstance(value, list):
            columns = spec.get("columns", [])
            lines.append(f"{label}:")
            for row in value:
                if isinstance(row, dict):
                    cells = [
                        f"{c.get('label', c['key'])}: {row.get(c['key'], '')}"
                        for c in columns
                        if row.get(c["key"])
                    ]
                    lines.append("- " + "; ".join(cells))
        else:
            lines.append(f"{label}: {value}")
    return lines
