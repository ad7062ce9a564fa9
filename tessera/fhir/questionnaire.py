"""Instrument definitions, answers and scores as FHIR R4B resources. Pure functions.

questionnaire_for(definition, base_url=..., language="en")     -> Questionnaire dict
questionnaire_response_for(definition, answers, ...)            -> QuestionnaireResponse dict
answers_from_response(definition, response, base_url=...)       -> {item number: value}
total_observation_for(definition, result, ...)                  -> Observation dict or None

Each resource is built as a plain dict, validated by the fhir.resources R4B model and
returned as JSON-ready data (model_dump(mode="json", exclude_none=True)). A resource the
model rejects raises ValueError naming the instrument and the resource type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tessera.instruments.scoring import Definition, ScoreResult, normalise_code
from tessera.instruments.scoring.model import Item, ResponseOption

from . import validation
from .validation import validate_resource

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
UCUM = "http://unitsofmeasure.org"

# Shown instead of item wording we may not ship or do not have in the requested language.
# Interface text, not instrument text: languages other than these fall back to English.
_PLACEHOLDERS = {
    "en": {
        "item": "Item",
        "licensed": "wording not included — licensed instrument",
        "clinic": "wording not included — entered by the clinic",
        "translation": "translation missing",
        "total": "total score",
    },
    "sv": {
        "item": "Fråga",
        "licensed": "texten ingår inte – licensierat formulär",
        "clinic": "texten ingår inte – förs in av mottagningen",
        "translation": "översättning saknas",
        "total": "totalpoäng",
    },
}


# --- identifiers and code systems -------------------------------------------------------


def instrument_slug(definition: Definition) -> str:
    """'PHQ-9' -> 'phq9': the Questionnaire id and the stem of the Tessera code systems."""
    return normalise_code(definition.code)


def questionnaire_url(definition: Definition, *, base_url: str) -> str:
    return f"{_base(base_url)}/Questionnaire/{instrument_slug(definition)}"


def answer_system(definition: Definition, item: Item, *, base_url: str) -> str:
    """Tessera CodeSystem for an item's answers (used where no LOINC answer code exists).

    Items on the definition's default options share `{slug}-answers`; an item with its
    own options (AUDIT, PHQ-9 item 10) gets `{slug}-item{n}-answers`. The code is the
    option's value as a string.
    """
    stem = f"{_base(base_url)}/CodeSystem/{instrument_slug(definition)}"
    if _uses_default_options(definition, item):
        return f"{stem}-answers"
    return f"{stem}-item{item.number}-answers"


def score_system(definition: Definition, *, base_url: str) -> str:
    """Tessera CodeSystem for an instrument's scores (code "total")."""
    return f"{_base(base_url)}/CodeSystem/{instrument_slug(definition)}-scores"


def band_system(definition: Definition, *, base_url: str) -> str:
    """Tessera CodeSystem for an instrument's bands (codes as in the definition)."""
    return f"{_base(base_url)}/CodeSystem/{instrument_slug(definition)}-bands"


def answer_coding(definition: Definition, item: Item, value: int, *, base_url: str) -> dict:
    """The Coding (system and code, no display) for one answer to one item."""
    if value not in item.values:
        raise ValueError(
            f"{definition.code} item {item.number}: {value!r} is not one of its answer values "
            f"{sorted(item.values)}"
        )
    loinc_code = _loinc_answer(definition, item, value)
    if loinc_code is not None:
        return {"system": LOINC, "code": loinc_code}
    return {"system": answer_system(definition, item, base_url=base_url), "code": str(value)}


# --- Questionnaire ----------------------------------------------------------------------


def questionnaire_for(definition: Definition, *, base_url: str, language: str = "en") -> dict:
    """The definition as a FHIR R4B Questionnaire in one of its languages."""
    _check_language(definition, language)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument_slug(definition),
        "language": language,
        "url": questionnaire_url(definition, base_url=base_url),
        "version": definition.version,
        "name": _computable_name(definition.code),
        "title": definition.name,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": definition.licence.text,
        "item": [
            _questionnaire_item(definition, item, base_url=base_url, language=language)
            for item in _all_items(definition)
        ],
    }
    instructions = definition.instructions.get(language)
    if instructions:
        resource["description"] = instructions
    panel = (definition.loinc or {}).get("panel")
    if panel:
        resource["code"] = [{"system": LOINC, "code": panel}]
    return _validated(Questionnaire, resource, definition)


def _questionnaire_item(
    definition: Definition, item: Item, *, base_url: str, language: str
) -> dict[str, Any]:
    scored = item.number in definition.item_numbers
    entry: dict[str, Any] = {
        "linkId": _link_id(item.number),
        "text": item.text.get(language) or _placeholder(definition, item, language),
        "type": "choice",
        "required": _required(definition, item),
        "answerOption": [
            {"valueCoding": _option_coding(definition, item, option, base_url, language, scored)}
            for option in item.options
        ],
    }
    if item.loinc:
        entry["code"] = [{"system": LOINC, "code": item.loinc}]
    return entry


def _option_coding(
    definition: Definition,
    item: Item,
    option: ResponseOption,
    base_url: str,
    language: str,
    scored: bool,
) -> dict[str, Any]:
    coding = answer_coding(definition, item, option.value, base_url=base_url)
    label = option.label.get(language)
    if label:
        coding["display"] = label
    if scored:
        points = definition.item_score(item.number, option.value)
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": points}]
    return coding


def _required(definition: Definition, item: Item) -> bool:
    """Scored items must be answered unless the definition lets them be left out: an
    optional item (PHQ-15 item 4, WSAS item 1) or one a skip rule may skip (AUDIT 2-8).
    Unscored items (PHQ-9 item 10) are never required."""
    if item.number not in definition.item_numbers:
        return False
    if any(o.item == item.number for o in definition.missing.optional_items):
        return False
    return not any(item.number in rule.then_items for rule in definition.missing.skip_rules)


def _placeholder(definition: Definition, item: Item, language: str) -> str:
    words = _PLACEHOLDERS.get(language, _PLACEHOLDERS["en"])
    if not definition.licence.wording_may_be_shipped:
        reason = words["licensed"]
    elif definition.wording_must_be_entered_by_clinic:
        reason = words["clinic"]
    else:
        reason = words["translation"]
    topic = item.topic.get(language) if item.topic else None
    label = f"{words['item']} {item.number}" + (f" ({topic})" if topic else "")
    return f"[{label}: {reason}]"


# --- QuestionnaireResponse --------------------------------------------------------------


def questionnaire_response_for(
    definition: Definition,
    answers: Mapping[int, int],
    *,
    response_id: str,
    patient_ref: str,
    authored: datetime,
    base_url: str,
) -> dict:
    """Completed answers as a QuestionnaireResponse; unanswered items are left out.

    `answers` maps item number (scored or unscored) to the value chosen, as for score().
    """
    _check_aware(authored, "authored")
    items = _items_by_number(definition)
    problems = [f"item {number!r}: unknown item" for number in answers if number not in items] + [
        f"item {number}: {value!r} is not one of {sorted(items[number].values)}"
        for number, value in answers.items()
        if number in items and (type(value) is not int or value not in items[number].values)
    ]
    if problems:
        raise ValueError(f"{definition.code} answers: " + "; ".join(problems))
    url = questionnaire_url(definition, base_url=base_url)
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{url}|{definition.version}",
        "status": "completed",
        "subject": {"reference": patient_ref},
        "authored": _instant(authored),
        "item": [
            _answer_item(definition, items[number], answers[number], base_url)
            for number in sorted(answers)
        ],
    }
    return _validated(QuestionnaireResponse, resource, definition, as_built=True)


def _answer_item(definition: Definition, item: Item, value: int, base_url: str) -> dict:
    """One answered item of a QuestionnaireResponse: made and validated once per
    definition, base, item and answer, then the same (read-only) dict in every response
    that gives that answer (``validation.trusted``)."""
    return _shared(
        definition,
        ("item", base_url, item.number, value),
        lambda: validation.trusted(
            QuestionnaireResponse,
            "item",
            {
                "linkId": _link_id(item.number),
                "answer": [
                    {"valueCoding": answer_coding(definition, item, value, base_url=base_url)}
                ],
            },
        ),
    )


def answers_from_response(
    definition: Definition, response: Mapping[str, Any], *, base_url: str
) -> dict[int, int]:
    """Read the answers back out of a QuestionnaireResponse made by this module."""
    by_link = {_link_id(item.number): item for item in _all_items(definition)}
    answers: dict[int, int] = {}
    for entry in response.get("item", []):
        item = by_link.get(entry.get("linkId"))
        if item is None:
            raise ValueError(f"{definition.code}: unknown linkId {entry.get('linkId')!r}")
        if len(entry.get("answer", [])) != 1:
            raise ValueError(f"{definition.code} {entry['linkId']}: expected one answer")
        coding = entry["answer"][0].get("valueCoding") or {}
        key = (coding.get("system"), coding.get("code"))
        for value in sorted(item.values):
            found = answer_coding(definition, item, value, base_url=base_url)
            if (found["system"], found["code"]) == key:
                answers[item.number] = value
                break
        else:
            raise ValueError(f"{definition.code} {entry['linkId']}: unknown answer {key}")
    return answers


# --- Observation ------------------------------------------------------------------------


def total_observation_for(
    definition: Definition,
    result: ScoreResult,
    *,
    observation_id: str,
    patient_ref: str,
    effective: datetime,
    response_ref: str,
    base_url: str,
    language: str = "en",
) -> dict | None:
    """The total score as a survey Observation, or None when the result has no total.

    The code is the definition's LOINC total code (PHQ-9 44261-6, GAD-7 70274-6) or, where
    it has none, code "total" in the Tessera `{slug}-scores` CodeSystem under base_url.
    The band goes in interpretation (its label as text, its code in `{slug}-bands`).
    """
    if result.instrument != definition.code:
        raise ValueError(
            f"score is for {result.instrument!r}, not for definition {definition.code!r}"
        )
    if result.total is None:
        return None
    _check_language(definition, language)
    _check_aware(effective, "effective")
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id,
        "language": language,
        "status": "final",
        "category": [_survey_category()],
        "code": _total_code(definition, base_url, language),
        "subject": {"reference": patient_ref},
        "effectiveDateTime": _instant(effective),
        "derivedFrom": [{"reference": response_ref}],
        **_value(result.total),
    }
    if result.band is not None:
        resource["interpretation"] = [
            _shared(
                definition,
                ("band", base_url, language, result.band.code),
                lambda: validation.trusted(
                    Observation,
                    "interpretation",
                    _interpretation(definition, result, base_url, language),
                ),
            )
        ]
    if result.notes:
        resource["note"] = [{"text": note} for note in result.notes]
    return _validated(Observation, resource, definition, as_built=True)


def _survey_category() -> dict:
    global _SURVEY
    if _SURVEY is None or id(_SURVEY) not in validation._TRUSTED:
        _SURVEY = validation.trusted(
            Observation,
            "category",
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]},
        )
    return _SURVEY


_SURVEY: dict | None = None


def _total_code(definition: Definition, base_url: str, language: str) -> dict:
    """The total's code (LOINC where the definition has it, else Tessera's), shared."""

    def make() -> dict:
        words = _PLACEHOLDERS.get(language, _PLACEHOLDERS["en"])
        total_code = (definition.loinc or {}).get("total")
        if total_code:
            coding = {"system": LOINC, "code": total_code}
        else:
            coding = {"system": score_system(definition, base_url=base_url), "code": "total"}
        return validation.trusted(
            Observation, "code", {"coding": [coding], "text": f"{definition.code} {words['total']}"}
        )

    return _shared(definition, ("total", base_url, language), make)


def _value(total: int | float) -> dict[str, Any]:
    """valueInteger for whole totals; a prorated, unrounded total needs valueQuantity."""
    if isinstance(total, int) or float(total).is_integer():
        return {"valueInteger": int(total)}
    return {"valueQuantity": {"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"}}


def _interpretation(
    definition: Definition, result: ScoreResult, base_url: str, language: str
) -> dict[str, Any]:
    band = result.band
    assert band is not None
    label = band.label_in(language) or band.code
    coding = {"system": band_system(definition, base_url=base_url), "code": band.code}
    return {"coding": [{**coding, "display": label}], "text": label}


# --- helpers ----------------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    """A dateTime as fhir.resources writes it back (UTC as ``Z``), so that a resource
    built here is already what its model would dump."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _validated(
    model: type, resource: dict[str, Any], definition: Definition, *, as_built: bool = False
) -> dict:
    """The resource, validated against its R4B model.

    as_built: return the resource as built rather than the model's dump. The builders
    of QuestionnaireResponse and Observation write only JSON-native values in the form
    the model dumps them (``_instant``; tests compare the two for every instrument), and
    the dump cost as much as the validation: half of a Bulk Data export's time."""
    try:
        if as_built:
            validate_resource(model, resource)
            return resource
        instance = model.model_validate(resource)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise ValueError(
            f"{definition.code}: {resource['resourceType']} is not valid FHIR R4B: {error}"
        ) from error
    return instance.model_dump(mode="json", exclude_none=True)


# Pieces made once per definition and shared read-only (``_shared``): id(definition) ->
# (the definition, {key: piece}). The definition is held so that its id is not reused.
_PIECES: dict[int, tuple[Definition, dict]] = {}


def _shared(definition: Definition, key: tuple, make):
    """The piece ``key`` of ``definition``, made by ``make()`` the first time. Bounded:
    past ``validation.LIMIT`` pieces of a definition (or definitions), all are made anew."""
    held = _PIECES.get(id(definition))
    if held is None or held[0] is not definition:
        if len(_PIECES) >= validation.LIMIT:
            _PIECES.clear()
        held = _PIECES[id(definition)] = (definition, {})
    pieces = held[1]
    found = pieces.get(key)
    if found is None:
        if len(pieces) >= validation.LIMIT:
            pieces.clear()
        found = pieces[key] = make()
    return found


def _items_by_number(definition: Definition) -> dict[int, Item]:
    return _shared(
        definition,
        ("items",),
        lambda: {item.number: item for item in _all_items(definition)},
    )


def _all_items(definition: Definition) -> tuple[Item, ...]:
    return tuple(sorted(definition.items + definition.unscored_items, key=lambda i: i.number))


def _link_id(number: int) -> str:
    return f"item{number}"


def _uses_default_options(definition: Definition, item: Item) -> bool:
    return bool(definition.response_options) and item.options == definition.response_options


def _loinc_answer(definition: Definition, item: Item, value: int) -> str | None:
    """LOINC answer codes in the definition belong to its default options only (PHQ-9
    item 10 has its own options, which the definition gives no LOINC codes for)."""
    if not _uses_default_options(definition, item):
        return None
    answers = (definition.loinc or {}).get("answers") or {}
    return answers.get(str(value))


def _computable_name(code: str) -> str:
    name = re.sub(r"[^A-Za-z0-9]", "_", code)
    return name if re.match(r"[A-Z]", name) else f"Q_{name}"


def _base(base_url: str) -> str:
    base = base_url.rstrip("/")
    if not re.match(r"https?://[^/\s]+", base):
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    return base


def _check_language(definition: Definition, language: str) -> None:
    if language not in definition.languages:
        raise ValueError(
            f"{definition.code} has no language {language!r} (it has "
            f"{', '.join(definition.languages)})"
        )


def _check_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {moment!r}")
