"""A clinic's own wording for an instrument whose owner does not let us ship it."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tessera.core import access, audit

from ..models import ClinicWording
from ..scoring import Definition, UnknownInstrumentError, load_definition
from ..wording import LANGUAGES, all_items, own_option_items


class WordingError(ValueError):
    """Wording that cannot be saved. ``field`` names the form field it belongs to
    (``item_3``, ``option_2``, ``item_10_option_1``, ``source_note``...) or is None."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _clean(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WordingError(_("Enter text here."), field)
    return value.strip()


def _texts(given: Mapping, shipped: Mapping[int, str | None], field: str, messages) -> dict:
    """Check one set of texts (questions, or answer labels) against what ships.

    Keys must be known; a text that ships may not be given; every text that does not
    ship must be. Returns {"<key>": text} for the texts that do not ship."""
    missing_message, shipped_message, unknown_message = messages
    by_key = {str(key): key for key in shipped}
    unknown = sorted(str(key) for key in given if str(key) not in by_key)
    if unknown:
        raise WordingError(unknown_message % {"keys": ", ".join(unknown)})
    texts = {}
    for key_text, key in by_key.items():
        text = _clean(given.get(key_text, given.get(key)), field % key)
        if shipped[key] and text:
            raise WordingError(shipped_message % {"n": key}, field % key)
        if not shipped[key] and not text:
            raise WordingError(missing_message % {"n": key}, field % key)
        if text:
            texts[key_text] = text
    return texts


def _item_texts(definition: Definition, language: str, items: Mapping) -> dict:
    shipped = {item.number: item.text.get(language) for item in all_items(definition)}
    messages = (
        _("Enter the wording of question %(n)s."),
        _("Question %(n)s ships with its validated wording, which cannot be replaced."),
        _("Not a question of this questionnaire: %(keys)s."),
    )
    return _texts(items, shipped, "item_%s", messages)


def _option_texts(options, language: str, given: Mapping, field: str) -> dict:
    shipped = {option.value: option.label.get(language) for option in options}
    messages = (
        _("Enter the label of answer %(n)s."),
        _("Answer %(n)s ships with its validated label, which cannot be replaced."),
        _("Not an answer of this questionnaire: %(keys)s."),
    )
    return _texts(given, shipped, field, messages)


def _all_option_texts(definition, language, options, item_options) -> tuple[dict, dict]:
    own = own_option_items(definition)
    unknown = sorted(set(map(str, item_options)) - {str(item.number) for item in own})
    if unknown:
        raise WordingError(
            _("These questions have no answers of their own: %(keys)s.")
            % {"keys": ", ".join(unknown)}
        )
    default = _option_texts(definition.response_options, language, options, "option_%s")
    per_item = {}
    for item in own:
        given = item_options.get(str(item.number), item_options.get(item.number)) or {}
        texts = _option_texts(item.options, language, given, f"item_{item.number}_option_%s")
        if texts:
            per_item[str(item.number)] = texts
    return default, per_item


def _single_text(shipped: str | None, given, field: str, message: str) -> str:
    text = _clean(given, field)
    if shipped and text:
        raise WordingError(message, field)
    return text


@transaction.atomic
def do_save_clinic_wording(
    clinic,
    instrument: str,
    language: str,
    *,
    acting_user,
    instructions: str = "",
    recall_period: str = "",
    items: Mapping,
    options: Mapping,
    source_note: str,
    item_options: Mapping | None = None,
) -> ClinicWording:
    """Save a clinic's complete wording of an instrument in one language.

    Every question and answer label the definition does not ship in that language must
    be given, so that a half-entered questionnaire is never shown; texts that ship may
    not be given. Instructions and the recall period are optional. Raises WordingError
    (a ValueError) with a message for the form."""
    if language not in LANGUAGES:
        raise WordingError(_("Choose one of the supported languages."))
    try:
        definition = load_definition(instrument)
    except UnknownInstrumentError:
        raise WordingError(_("There is no such questionnaire.")) from None
    source_note = _clean(source_note, "source_note")
    if not source_note:
        raise WordingError(
            _("Say where this wording comes from and under which licence the clinic uses it."),
            "source_note",
        )
    cannot_replace = _("This text ships with its validated wording, which cannot be replaced.")
    fields = {
        "instructions": _single_text(
            definition.instructions.get(language), instructions, "instructions", cannot_replace
        ),
        "recall_period": _single_text(
            definition.recall_period.get(language), recall_period, "recall_period", cannot_replace
        ),
        "items": _item_texts(definition, language, items),
        "source_note": source_note,
        "entered_by": acting_user,
    }
    fields["options"], fields["item_options"] = _all_option_texts(
        definition, language, options, item_options or {}
    )
    wording = ClinicWording.objects.filter(
        clinic=clinic, instrument=definition.code, language=language
    ).first() or ClinicWording(clinic=clinic, instrument=definition.code, language=language)
    for name, value in fields.items():
        setattr(wording, name, value)
    try:
        wording.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise WordingError(problems[0], field if field in fields else None) from None
    wording.save()
    audit.record(
        "instrument.wording_saved",
        actor=acting_user,
        clinic=clinic,
        obj=wording,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"instrument": definition.code, "language": language},
    )
    return wording
