"""Questionnaire wording: what ships with Tessera, merged with what a clinic entered.

Shipped wording always wins. A clinic's text is used only where the definition has none
in that language, so validated wording that ships can never be replaced, and a text
nobody entered stays missing (``None``), never made up.

Each function runs at most one query, and none without a clinic.
"""

from __future__ import annotations

from collections.abc import Iterable

from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.prepared import Prepared

from .models import ClinicWording
from .scoring import Definition
from .scoring.model import Item

LANGUAGES: tuple[str, ...] = tuple(code for code, _label in LANGUAGE_CHOICES)
SHIPPED, CLINIC = "shipped", "clinic"


def all_items(definition: Definition) -> tuple[Item, ...]:
    """Scored items, then items asked but not scored (PHQ-9 question 10)."""
    return definition.items + definition.unscored_items


def own_option_items(definition: Definition) -> tuple[Item, ...]:
    """Items with an answer set of their own instead of the default one (AUDIT)."""
    return tuple(i for i in all_items(definition) if i.options != definition.response_options)


def _text(shipped: str | None, entered: str | None) -> dict:
    if shipped:
        return {"text": shipped, "source": SHIPPED, "missing": False}
    if entered:
        return {"text": entered, "source": CLINIC, "missing": False}
    return {"text": None, "source": None, "missing": True}


def merge(definition: Definition, language: str, row: ClinicWording | None) -> dict:
    """Shipped text and the clinic's row (or None) for one language, without a query.

    Every text is ``{"text", "source" ("shipped", "clinic" or None), "missing"}``."""
    entered_items = row.items if row else {}
    entered_options = row.options if row else {}
    entered_item_options = row.item_options if row else {}
    items = {
        item.number: _text(item.text.get(language), entered_items.get(str(item.number)))
        for item in all_items(definition)
    }
    options = {
        option.value: _text(option.label.get(language), entered_options.get(str(option.value)))
        for option in definition.response_options
    }
    item_options = {}
    for item in own_option_items(definition):
        entered = entered_item_options.get(str(item.number), {})
        item_options[item.number] = {
            option.value: _text(option.label.get(language), entered.get(str(option.value)))
            for option in item.options
        }
    wording = {
        "language": language,
        "instructions": _text(
            definition.instructions.get(language), row.instructions if row else None
        ),
        "recall_period": _text(
            definition.recall_period.get(language), row.recall_period if row else None
        ),
        "items": items,
        "options": options,
        "item_options": item_options,
        "row": row,
    }
    wording["complete"] = all(
        not items[item.number]["missing"]
        and not any(label["missing"] for label in option_texts(wording, item.number).values())
        for item in definition.items
    )
    return wording


def option_texts(wording: dict, number: int) -> dict[int, dict]:
    """The answer labels of one item: its own set, or else the default set."""
    return wording["item_options"].get(number, wording["options"])


def _rows(definition: Definition, languages: Iterable[str], clinic) -> dict[str, ClinicWording]:
    if clinic is None:
        return {}
    # No order (a dict by language; the model's order joined the clinics table), and the
    # SQL compiled once per process per number of languages (issue 16).
    rows = _CLINIC_ROWS(clinic.pk, definition.code, list(languages))
    return {row.language: row for row in rows}


_CLINIC_ROWS = Prepared(
    lambda clinic_id, code, languages: ClinicWording.objects.filter(
        clinic__id=clinic_id, instrument=code, language__in=languages
    ).order_by()
)


def wordings_for(definition: Definition, languages: Iterable[str], clinic) -> dict[str, dict]:
    """``wording_for`` for several languages in one query: {language: wording}."""
    languages = list(dict.fromkeys(languages))
    rows = _rows(definition, languages, clinic)
    return {lang: merge(definition, lang, rows.get(lang)) for lang in languages}


def wording_for(definition: Definition, language: str, clinic) -> dict:
    """The wording of an instrument in a language for a clinic (``clinic`` may be None:
    shipped text only). See ``merge`` for the shape; ``complete`` says every scored item
    has its text and answer labels, ``row`` is the clinic's ClinicWording or None."""
    return wordings_for(definition, [language], clinic)[language]


def fillable_languages(definition: Definition, clinic) -> list[str]:
    """Languages in which every scored item has its text and answer labels."""
    merged = wordings_for(definition, LANGUAGES, clinic)
    return [lang for lang in LANGUAGES if merged[lang]["complete"]]


def language_statuses(definitions: Iterable[Definition], clinic) -> dict[str, dict[str, str]]:
    """For the clinic's overview, in one query: {code: {language: status}}, the status
    being "shipped" (complete as shipped), "clinic" (complete with the clinic's text) or
    "missing"."""
    definitions = list(definitions)
    rows = {
        (row.instrument, row.language): row
        # No order: a dict by key. The model's order (the clinic's name) joined the
        # clinics table, read whole for one clinic's rows (issue 16).
        for row in ClinicWording.objects.filter(
            clinic=clinic, instrument__in=[d.code for d in definitions]
        ).order_by()
    }
    statuses: dict[str, dict[str, str]] = {}
    for definition in definitions:
        statuses[definition.code] = {}
        for lang in LANGUAGES:
            row = rows.get((definition.code, lang))
            if merge(definition, lang, None)["complete"]:
                status = SHIPPED
            elif row is not None and merge(definition, lang, row)["complete"]:
                status = CLINIC
            else:
                status = "missing"
            statuses[definition.code][lang] = status
    return statuses


class TextMaps:
    """Merged texts as ``{language: text or None}`` maps, the shape the definitions use,
    for showing a questionnaire in a language with a fallback (one query at most)."""

    def __init__(self, definition: Definition, languages: Iterable[str], clinic) -> None:
        self._wordings = wordings_for(definition, languages, clinic)

    def _map(self, pick) -> dict[str, str | None]:
        return {lang: pick(wording)["text"] for lang, wording in self._wordings.items()}

    @property
    def instructions(self) -> dict[str, str | None]:
        return self._map(lambda w: w["instructions"])

    @property
    def recall_period(self) -> dict[str, str | None]:
        return self._map(lambda w: w["recall_period"])

    def item(self, number: int) -> dict[str, str | None]:
        return self._map(lambda w: w["items"][number])

    def option(self, number: int, value: int) -> dict[str, str | None]:
        return self._map(lambda w: option_texts(w, number)[value])
