"""What a clinician chooses for a letter they write (issue 20 item 10)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from . import actions
from . import render as letter_render


class LetterChoicesForm(forms.Form):
    """What a clinician chooses for a letter they write: its language among the clinic's
    (the clinic's first preselected) and a short paragraph of their own. Also used by the
    end-of-treatment page."""

    # Not required: left out (as by an older page), the clinic's first language.
    language = forms.ChoiceField(label=gettext_lazy("Language of the letter"), required=False)
    letter_note = forms.CharField(
        label=gettext_lazy("A few words of your own (optional)"),
        help_text=gettext_lazy("Shown in the letter as you write it. Never sent by e-mail or SMS."),
        required=False,
        max_length=actions.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = letter_render.letter_languages(clinic)
        self.fields["language"].initial = letter_render.language_for(clinic)
