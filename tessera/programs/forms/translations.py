"""Forms for translations: a module's in another language, a programme's patient text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core import drawn as drawn_values
from tessera.core.forms import refused_as
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.validation import CONTENT_MAX_LENGTH

from .authoring import TEXTAREA


class AddTranslationForm(forms.Form):
    """The languages the module's family lacks."""

    language = forms.ChoiceField(label=_("Language of the translation"), choices=())

    def __init__(self, *args, missing: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(LANGUAGE_CHOICES)
        self.fields["language"].choices = [(code, names.get(code, code)) for code in missing]


class LinkTranslationForm(forms.Form):
    """Modules of the region that are not part of a family, in a language it lacks."""

    other = forms.ModelChoiceField(label=_("Module that is a translation"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates
        self.fields["other"].label_from_instance = lambda m: m.key


class ProgrammeTranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    title = forms.CharField(label=_("Title for patients"), max_length=200, required=False)
    description_patient = forms.CharField(
        label=_("Description for patients (markdown)"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
        help_text=_("Leave both empty to remove the translation."),
    )
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(LANGUAGE_CHOICES)
        self.fields["language"].choices = [(code, names.get(code, code)) for code in languages]

    def refused_meanwhile(self, error, now: dict | None) -> bool:
        """Whether the action refused the save for another author's meanwhile: the form
        says so, keeps what was typed and carries the translations as they are now
        (``now``), so that saving again from it replaces them knowingly (0152)."""
        if not refused_as(error, "changed_meanwhile"):
            return False
        self.data = self.data.copy()
        self.data["drawn"] = drawn_values.translations_digest(now)
        self.add_error(None, drawn_values.CHANGED_MEANWHILE)
        return True
