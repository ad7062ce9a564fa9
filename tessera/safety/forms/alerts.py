from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import submission_key_field

from ..models import RiskAlert


class ResolveForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action taken"), choices=RiskAlert.Action.choices, widget=forms.RadioSelect
    )
    action_note = forms.CharField(
        label=_("What was done, or why nothing was needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class ConcernForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=RiskAlert.Severity.choices,
        widget=forms.RadioSelect,
        initial=RiskAlert.Severity.HIGH,
    )
    concern = forms.CharField(
        label=_("What worries you"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    submission_key = submission_key_field()
