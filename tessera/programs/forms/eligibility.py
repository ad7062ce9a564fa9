"""Forms for a clinic's eligibility rules: the rules themselves, and "try it" (a made-up
screening to see what the matching engine suggests). They only validate; the rules are
checked again by the action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.validation import TEXT_MAX_LENGTH
from tessera.instruments.scoring import load_all, load_definition
from tessera.programs.matching.areas import AREA_MEASURES, AUDIT, language_name
from tessera.programs.matching.rules import EXCLUDE_CODES, exclude_label

from ..eligibility import rules_problems
from ..forms import JSON_TEXTAREA, as_json, parse_json

TRY_INSTRUMENTS = [*AREA_MEASURES, AUDIT]
# The questionnaires whose score ranges are fields of the rules form.
SCORE_FIELDS = list(AREA_MEASURES)


def _range_field(code: str, side: str) -> str:
    return f"score_{side}_{code.lower().replace('-', '_')}"


def _instrument_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(load_all())]


class ClinicEligibilityForm(forms.Form):
    min_age = forms.IntegerField(label=_("Lowest age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Highest age"), min_value=0, max_value=120, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered at this clinic"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only the languages the programme is written in can be offered."),
    )
    scores = forms.CharField(
        label=_("Other score ranges (JSON)"),
        widget=JSON_TEXTAREA,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "For questionnaires without their own fields above: a list, for example "
            '[{"instrument": "PHQ-9", "min": 5, "max": 23}]. Leave out min or max for no '
            "limit on that side."
        ),
    )
    exclude = forms.MultipleChoiceField(
        label=_("Not suggested with"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    requires = forms.MultipleChoiceField(
        label=_("Questionnaires that must have been answered"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, data=None, *, version, rules: dict, **kwargs) -> None:
        self.version = version
        offered = list(version.languages or [])
        initial = {
            "min_age": rules.get("min_age"),
            "max_age": rules.get("max_age"),
            "languages": rules.get("languages") or offered,
            "scores": as_json(rules.get("scores") or []),
            "exclude": [c for c in rules.get("exclude") or [] if c in EXCLUDE_CODES],
            "requires": rules.get("requires") or [],
        }
        # Score ranges as fields (issue 20: not typed as JSON), one pair per questionnaire
        # of the problem areas; ranges of other questionnaires stay in the JSON box.
        ranges = {}
        for entry in rules.get("scores") or []:
            if isinstance(entry, dict) and entry.get("instrument") in SCORE_FIELDS:
                ranges[entry["instrument"]] = entry
        others = [
            entry
            for entry in rules.get("scores") or []
            if not (isinstance(entry, dict) and entry.get("instrument") in ranges)
        ]
        initial["scores"] = as_json(others)
        for code in SCORE_FIELDS:
            initial[_range_field(code, "min")] = (ranges.get(code) or {}).get("min")
            initial[_range_field(code, "max")] = (ranges.get(code) or {}).get("max")
        super().__init__(data, initial=initial, **kwargs)
        fields = dict(self.fields)
        self.fields.clear()
        for name, field in fields.items():
            if name == "scores":
                for code in SCORE_FIELDS:
                    definition = load_definition(code)
                    for side, label in (("min", _("%(code)s from")), ("max", _("%(code)s to"))):
                        self.fields[_range_field(code, side)] = forms.IntegerField(
                            label=label % {"code": definition.code},
                            required=False,
                            min_value=definition.min_total,
                            max_value=definition.max_total,
                            help_text=_("%(low)s to %(high)s; empty for no limit")
                            % {"low": definition.min_total, "high": definition.max_total},
                        )
            self.fields[name] = field
        self.fields["languages"].choices = [(c, language_name(c)) for c in offered]
        self.fields["exclude"].choices = [(c, exclude_label(c)) for c in EXCLUDE_CODES]
        self.fields["requires"].choices = _instrument_choices()

    def clean_scores(self):
        scores = parse_json(self.cleaned_data["scores"], [])
        if not isinstance(scores, list):
            raise forms.ValidationError(_("Write the score ranges as a list, between [ and ]."))
        return scores

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        rules = self.rules()
        for field, messages in rules_problems(rules, languages=self.version.languages).items():
            self.add_error(field if field in self.fields else None, messages)
        return data

    def rules(self) -> dict:
        data = self.cleaned_data
        rules = {"min_age": data.get("min_age"), "max_age": data.get("max_age")}
        languages = data.get("languages") or []
        if set(languages) != set(self.version.languages or []):
            rules["languages"] = languages
        typed = {}
        for code in SCORE_FIELDS:
            low, high = data.get(_range_field(code, "min")), data.get(_range_field(code, "max"))
            if low is not None or high is not None:
                typed[code] = {"instrument": code}
                typed[code].update({"min": low} if low is not None else {})
                typed[code].update({"max": high} if high is not None else {})
        others = [
            entry
            for entry in data.get("scores") or []
            if not (isinstance(entry, dict) and entry.get("instrument") in typed)
        ]
        rules["scores"] = list(typed.values()) + others
        rules["exclude"] = data.get("exclude") or []
        if data.get("requires"):
            rules["requires"] = data["requires"]
        return rules


class TryForm(forms.Form):
    """A made-up screening: age, language, a risk answer, and some totals."""

    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    risk = forms.BooleanField(
        label=_("A risk answer in the screening (PHQ-9 question 9)"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code in TRY_INSTRUMENTS:
            definition = load_definition(code)
            self.fields[self.score_field(code)] = forms.IntegerField(
                label=code,
                required=False,
                min_value=definition.min_total,
                max_value=definition.max_total,
                help_text=_("%(low)s to %(high)s")
                % {
                    "low": definition.min_total,
                    "high": definition.max_total,
                },
            )

    @staticmethod
    def score_field(code: str) -> str:
        return "score_" + code.lower().replace("-", "_")

    def totals(self) -> list[tuple[str, int]]:
        return [
            (code, self.cleaned_data[self.score_field(code)])
            for code in TRY_INSTRUMENTS
            if self.cleaned_data.get(self.score_field(code)) is not None
        ]
