"""Which questionnaires can be put on a measurement schedule, as form choices.

Programmes (default measures) and treatment (a clinic's schedule) both offer them.
"""

from __future__ import annotations

from .scoring import Definition, load_all

# A questionnaire needs English wording for every item to be filled in (it is the
# fallback shown where a validated translation is missing).
FALLBACK_LANGUAGE = "en"


def can_be_filled_in(definition: Definition) -> bool:
    return all(item.text.get(FALLBACK_LANGUAGE) for item in definition.items)


def instrument_choices() -> list[tuple[str, str]]:
    return [
        (d.code, f"{d.code} — {d.name}")
        for d in sorted(load_all().values(), key=lambda d: d.code)
        if can_be_filled_in(d)
    ]
