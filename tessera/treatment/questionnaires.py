"""Showing a questionnaire to a patient and reading their answers back.

Item wording comes from the instrument definition in the patient's language. Where a
validated translation is missing, the English wording is shown and the page says so:
a translation is never made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tessera.core import crisis
from tessera.instruments.choices import FALLBACK_LANGUAGE, can_be_filled_in
from tessera.instruments.scoring import Definition, InstrumentError, load_definition, score
from tessera.instruments.wording import TextMaps, fillable_languages

from .actions.schedule import risk_overrides


@dataclass
class ItemView:
    number: int
    name: str
    text: str
    options: list[tuple[int, str]]
    answer: int | None = None
    error: str = ""
    required: bool = True
    # The language of the question's text and of its answer labels where it is not the
    # page's (a fallback): templates mark it with lang="…" (WCAG 3.1.2).
    text_lang: str = ""
    options_lang: str = ""


@dataclass
class QuestionnaireView:
    definition: Definition
    language: str
    instructions: str
    recall_period: str
    items: list[ItemView] = field(default_factory=list)
    translation_missing: bool = False
    instructions_lang: str = ""
    recall_period_lang: str = ""

    @property
    def errors(self) -> list[ItemView]:
        return [item for item in self.items if item.error]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.answer is not None)


def _local(text_map, language: str, fallback: str = FALLBACK_LANGUAGE) -> tuple[str, bool]:
    """Text in the language, or the fallback with a flag saying it is a fallback."""
    text_map = text_map or {}
    if text_map.get(language):
        return text_map[language], False
    return text_map.get(fallback) or "", True


def fallback_language(definition: Definition, clinic) -> str:
    """English where its wording ships; for a licensed instrument shipped as structure
    only, the first language the clinic entered its whole wording in (one query), so the
    form is never shown without the licensed wording."""
    if can_be_filled_in(definition) or clinic is None:
        return FALLBACK_LANGUAGE
    languages = fillable_languages(definition, clinic)
    if FALLBACK_LANGUAGE in languages or not languages:
        return FALLBACK_LANGUAGE
    return languages[0]


def build(
    code: str, language: str, answers: dict[int, int] | None = None, clinic=None
) -> QuestionnaireView:
    """The form in the language. With a clinic, its wording fills texts that do not ship."""
    definition = load_definition(code)
    answers = answers or {}
    fallback = fallback_language(definition, clinic)
    texts = TextMaps(definition, [language, fallback], clinic)
    instructions, missing_i = _local(texts.instructions, language, fallback)
    recall, missing_r = _local(texts.recall_period, language, fallback)
    view = QuestionnaireView(definition, language, instructions, recall)
    view.instructions_lang = _fallback_lang(missing_i and instructions, language, fallback)
    view.recall_period_lang = _fallback_lang(missing_r and recall, language, fallback)
    optional = {item.number for item in definition.unscored_items}
    for item in definition.items + definition.unscored_items:
        text, missing_t = _local(texts.item(item.number), language, fallback)
        options = []
        missing_options = False
        for option in item.options:
            label, missing_o = _local(texts.option(item.number, option.value), language, fallback)
            missing_options = missing_options or missing_o
            options.append((option.value, label))
        view.translation_missing |= missing_t or missing_options
        view.items.append(
            ItemView(
                number=item.number,
                name=f"item{item.number}",
                text=text,
                options=options,
                answer=answers.get(item.number),
                required=item.number not in optional,
                text_lang=_fallback_lang(missing_t and text, language, fallback),
                options_lang=_fallback_lang(missing_options and options, language, fallback),
            )
        )
    return view


def _fallback_lang(fell_back, language: str, fallback: str = FALLBACK_LANGUAGE) -> str:
    """The fallback language when a text shown is in another language than the page's,
    else "" (nothing to mark)."""
    return fallback if fell_back and language != fallback else ""


def read_answers(view: QuestionnaireView, data) -> dict[int, int]:
    """Answers from a form post. Unknown values are dropped with an error on the item."""
    answers: dict[int, int] = {}
    for item in view.items:
        raw = data.get(item.name, "")
        if raw == "":
            continue
        allowed = {value for value, _label in item.options}
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in allowed:
            item.error = _("That answer is not one of the choices. Please choose again.")
            continue
        answers[item.number] = value
        item.answer = value
    return answers


def check_complete(view: QuestionnaireView, answers: dict[int, int]) -> bool:
    """Mark every item the instrument needs but is missing; True when it can be scored."""
    result = score(view.definition, answers)
    if result.complete:
        return not view.errors
    needed = set(result.missing_items)
    for item in view.items:
        if item.number in needed and item.answer is None and not item.error:
            item.error = _("Please answer this question.")
    return False


def risk_answered(code: str, answers: dict[int, int], *, clinic) -> bool:
    """Whether the answers so far, complete or not, reach one of the instrument's risk
    rules at the clinic's thresholds. A saved draft with a risk answer must show the
    crisis contacts at once, as a sent one does (issue 14)."""
    return bool(risk_flags(code, answers, clinic=clinic))


def risk_flags(code: str, answers: dict[int, int], *, clinic) -> list:
    """The risk rules the answers so far reach, at the clinic's thresholds: the engine
    works the flags out from the answered items alone, complete or not."""
    if not answers:
        return []
    definition = load_definition(code)
    try:
        result = score(definition, answers, risk_overrides=risk_overrides(clinic, definition.code))
    except InstrumentError:
        return []
    return list(result.risk_flags)


def crisis_contacts_for(clinic, language: str) -> list:
    """The crisis box's contacts: the clinic's own, then the country's emergency number
    and national helplines (``tessera.core.crisis``, issue 12)."""
    return crisis.contacts_for(clinic, language)
