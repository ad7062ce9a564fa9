"""Forms for tailoring a plan: each change asks why."""

from django import forms
from django.utils.translation import gettext_lazy as _

REASON = forms.CharField(
    label=_("Why (kept in the plan history)"),
    max_length=500,
    required=True,
    widget=forms.TextInput(),
)


class ReasonForm(forms.Form):
    reason = REASON


class AddModuleForm(forms.Form):
    module_version = forms.ChoiceField(label=_("Module"))
    reason = REASON

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module_version"].choices = choices


class SwitchProgrammeForm(forms.Form):
    programme_version = forms.ChoiceField(label=_("New programme"))
    reason = REASON
    # The programme the plan followed when the page was drawn ("0": none), so that a
    # switch from another tab opened before is not silently undone (decision 0100).
    drawn = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_version"].choices = choices


class StartTreatmentForm(forms.Form):
    start_on = forms.DateField(
        label=_("Treatment starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class UnlockDateForm(forms.Form):
    unlock_on = forms.DateField(
        label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = REASON
