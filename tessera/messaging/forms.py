from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_BODY, MAX_QUOTE


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("You can use *emphasis*, **bold** and lists."),
        error_messages={"required": _("Write a message before sending it.")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)


class StaffMessageForm(MessageForm):
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quoted_text = forms.CharField(
        label=_("Quoted from the worksheet"),
        required=False,
        max_length=MAX_QUOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown above your reply. You may shorten it."),
    )
    risk_acknowledged = forms.BooleanField(
        label=_("I have addressed the patient's safety in this reply"),
        required=False,
    )
