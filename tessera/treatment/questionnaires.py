"""Showing a questionnaire to a patient and reading their answers back.

Item wording comes from the instrument definition in the patient's language. Where a
validated translation is missing, the English wording is shown and the page says so:
a translation is never made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tessera.core import crisis
from tessera.instruments.choices import FALLBACK_LANGUAGE
from tessera.instruments.scoring import Definition, InstrumentError, load_definition, score
from tessera.instruments.wording import TextMaps

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


def _local(text_map, language: str) -> tuple[str, bool]:
    """Text in the language, or the fallback with a flag saying it is a fallback."""
    text_map = text_map or {}
    if text_map.get(language):
        return text_map[language], False
    return text_map.get(FALLBACK_LANGUAGE) or "", True


def build(
    code: str, language: str, answers: dict[int, int] | None = None, clinic=None
) -> QuestionnaireView:
    """The form in the language. With a clinic, its wording fills texts that do not ship."""
    definition = load_definition(code)
    answers = answers or {}
    texts = TextMaps(definition, [language, FALLBACK_LANGUAGE], clinic)
    instructions, missing_i = _local(texts.instructions, language)
    recall, missing_r = _local(texts.recall_period, language)
    view = QuestionnaireView(definition, language, instructions, recall)
    view.instructions_lang = _fallback_lang(missing_i and instructions, language)
    view.recall_period_lang = _fallback_lang(missing_r and recall, language)
    optional = {item.number for item in definition.unscored_items}
    for item in definition.items + definition.unscored_items:
        text, missing_t = _local(texts.item(item.number), language)
        options = []
        missing_options = False
        for option in item.options:
            label, missing_o = _local(texts.option(item.number, option.value), language)
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
                text_lang=_fallback_lang(missing_t and text, language),
                options_lang=_fallback_lang(missing_options and options, language),
            )
        )
    return view


def _fallback_lang(fell_back, language: str) -> str:
    """FALLBACK_LANGUAGE when a text shown is the fallback in another language than the
    page's, else "" (nothing to mark)."""
    return FALLBACK_LANGUAGE if fell_back and language != FALLBACK_LANGUAGE else ""


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
    crisis contacts at once, as a sent one does (issue 14): the engine works the flags
    out from the answered items alone."""
    if not answers:
        return False
    definition = load_definition(code)
    try:
        result = score(definition, answers, risk_overrides=risk_overrides(clinic, definition.code))
    except InstrumentError:
        return False
    return bool(result.risk_flags)


def crisis_contacts_for(clinic, language: str) -> list:
    """The crisis box's contacts: the clinic's own, then the country's emergency number
    and national helplines (``tessera.core.crisis``, issue 12)."""
    return crisis.contacts_for(clinic, language)
