"""Forms of the workload pages: they only validate."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_MANUAL_MINUTES


class ManualTimeForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=-MAX_MANUAL_MINUTES,
        max_value=MAX_MANUAL_MINUTES,
        help_text=_("A negative number takes time away, e.g. -15."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        help_text=_("For example: a phone call with the patient, or a page left open."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, staff_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_choices:
            self.fields["staff_member"] = forms.TypedChoiceField(
                label=_("Whose time"), choices=staff_choices, coerce=int
            )
            self.order_fields(["staff_member", "day", "minutes", "reason"])

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if minutes == 0:
            raise forms.ValidationError(_("Enter a number of minutes other than 0."))
        return minutes

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the time is added or corrected."))
        return reason
