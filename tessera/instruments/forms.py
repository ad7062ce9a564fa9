"""The form a clinic manager fills in to enter an instrument's wording in one language.

It has an input for every text the definition does not ship in that language; texts that
ship are shown read-only beside them (``rows``) and are never posted. The action checks
the same rules again."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .scoring import Definition
from .wording import all_items

TEXT_MAX = 2000
LABEL_MAX = 200


@dataclass
class Row:
    """One text of the questionnaire: shipped (read-only) or a field to fill in."""

    key: str
    label: str
    shipped: str | None = None
    field: BoundField | None = None
    multiline: bool = False


@dataclass
class Section:
    title: str
    rows: list[Row]


def _question_label(number: int, unscored: bool) -> str:
    if unscored:
        return _("Question %(n)s (not scored)") % {"n": number}
    return _("Question %(n)s") % {"n": number}


def _answer_label(value: int) -> str:
    return _("Answer with the value %(n)s") % {"n": value}


def _required_message(name: str) -> str:
    parts = name.split("_")
    if parts[0] == "item" and len(parts) == 2:
        return _("Enter the wording of question %(n)s.") % {"n": parts[1]}
    return _("Enter the label of this answer.")


class ClinicWordingForm(forms.Form):
    source_note = forms.CharField(
        label=gettext_lazy("Source and licence"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Where this validated wording comes from (publication, owner, version) and the "
            "licence under which the clinic uses it."
        ),
        error_messages={
            "required": gettext_lazy(
                "Say where this wording comes from and under which licence the clinic uses it."
            )
        },
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "The clinic holds the right to use this wording, and it is the validated version "
            "word for word: not a translation of our own or a machine translation."
        ),
        error_messages={
            "required": gettext_lazy(
                "Only wording the clinic may use, in its validated version, can be saved."
            )
        },
    )

    def __init__(self, data=None, *, definition: Definition, wording: dict, **kwargs) -> None:
        row = wording["row"]
        initial = {"source_note": row.source_note} if row else {}
        super().__init__(data, initial=initial, **kwargs)
        self.definition = definition
        self.wording = wording
        self._sections: list[tuple[str, list[tuple[str, str, dict, bool]]]] = []
        self._plan()

    # --- building the fields --------------------------------------------------------

    def _plan(self) -> None:
        w, d = self.wording, self.definition
        general = [
            ("instructions", _("Instructions"), w["instructions"], True),
            ("recall_period", _("Period asked about"), w["recall_period"], False),
        ]
        unscored = {item.number for item in d.unscored_items}
        questions = [
            (f"item_{n}", _question_label(n, n in unscored), w["items"][n], True)
            for n in (item.number for item in all_items(d))
        ]
        answers = [
            (f"option_{value}", _answer_label(value), text, False)
            for value, text in w["options"].items()
        ]
        self._sections = [
            (_("Instructions"), general),
            (_("Questions"), questions),
        ]
        if answers:
            self._sections.append((_("Answers"), answers))
        for number, labels in w["item_options"].items():
            rows = [
                (f"item_{number}_option_{value}", _answer_label(value), text, False)
                for value, text in labels.items()
            ]
            self._sections.append((_("Answers to question %(n)s") % {"n": number}, rows))
        for _title, rows in self._sections:
            for name, label, text, multiline in rows:
                if text["source"] != "shipped":
                    self.fields[name] = self._field(name, label, text, multiline)
        # the note and the confirmation come last
        for name in ("source_note", "confirm"):
            self.fields[name] = self.fields.pop(name)

    def _field(self, name: str, label: str, text: dict, multiline: bool) -> forms.CharField:
        optional = name in ("instructions", "recall_period")
        field = forms.CharField(
            label=label,
            required=not optional,
            max_length=TEXT_MAX if multiline else LABEL_MAX,
            widget=forms.Textarea(attrs={"rows": 3}) if multiline else forms.TextInput(),
            help_text=self._english_hint(name),
            error_messages={"required": _required_message(name)},
        )
        if text["source"] == "clinic":
            self.initial[name] = text["text"]
        return field

    def _english_hint(self, name: str) -> str:
        """The shipped English text, as a reference while entering another language."""
        if self.wording["language"] == "en":
            return ""
        english = self._shipped_english(name)
        if not english:
            return ""
        return _("English wording shipped with Tessera: %(text)s") % {"text": english}

    def _shipped_english(self, name: str) -> str | None:
        d = self.definition
        if name in ("instructions", "recall_period"):
            return getattr(d, name).get("en")
        parts = name.split("_")
        if parts[0] == "option":
            return {o.value: o.label for o in d.response_options}[int(parts[1])].get("en")
        item = d.item(int(parts[1]))
        if len(parts) == 2:
            return item.text.get("en")
        return {o.value: o.label for o in item.options}[int(parts[3])].get("en")

    # --- for the template and the view ----------------------------------------------

    @property
    def has_entries(self) -> bool:
        """False when everything ships in this language: there is nothing to enter."""
        return any(name not in ("source_note", "confirm") for name in self.fields)

    def sections(self) -> list[Section]:
        return [
            Section(
                title,
                [
                    Row(
                        key=name,
                        label=label,
                        shipped=text["text"] if text["source"] == "shipped" else None,
                        field=self[name] if name in self.fields else None,
                        multiline=multiline,
                    )
                    for name, label, text, multiline in rows
                ],
            )
            for title, rows in self._sections
        ]

    def note_fields(self) -> list[BoundField]:
        return [self["source_note"], self["confirm"]]

    def wording_data(self) -> dict:
        """The cleaned form as keyword arguments for ``do_save_clinic_wording``."""
        data = self.cleaned_data
        items, options, item_options = {}, {}, {}
        for name, value in data.items():
            parts = name.split("_")
            if parts[0] == "option":
                options[parts[1]] = value
            elif parts[0] == "item" and len(parts) == 2:
                items[parts[1]] = value
            elif parts[0] == "item":
                item_options.setdefault(parts[1], {})[parts[3]] = value
        return {
            "instructions": data.get("instructions", ""),
            "recall_period": data.get("recall_period", ""),
            "items": items,
            "options": options,
            "item_options": item_options,
            "source_note": data["source_note"],
        }
