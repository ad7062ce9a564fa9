from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import HELP_MAX_LENGTH


class HelpForm(forms.Form):
    text = forms.CharField(
        label=_("What do you need help with?"),
        help_text=_("A few words are enough. Someone at your clinic will read it."),
        max_length=HELP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
