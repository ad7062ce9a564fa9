from django import forms

from ..actions.plans import MAX_PART
from ..models import SAFETY_PLAN_PARTS


class SafetyPlanForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, help_text in SAFETY_PLAN_PARTS:
            self.fields[key] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=MAX_PART,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
