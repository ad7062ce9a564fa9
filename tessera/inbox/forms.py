from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import submission_key_field

from .models import MAX_NOTE


class ClinicalNoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Notes are never changed afterwards; correct one by adding another."),
    )
    submission_key = submission_key_field()
