"""The filters of a report: a period and, for a clinic, a care model or a therapist."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import DATE_INPUT
from tessera.core.models import Episode


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    care_model = forms.ChoiceField(
        label=_("Care model"),
        required=False,
        choices=[("", _("All"))] + list(Episode.CareModel.choices),
    )

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        if therapists is not None:
            self.fields["therapist"] = forms.TypedChoiceField(
                label=_("Therapist"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("All"))]
                + [(u.pk, u.get_full_name() or u.email) for u in therapists],
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data

    def filters(self) -> dict:
        """The row filters the valid form asks for (none when it is not valid)."""
        if not self.is_valid():
            return {}
        found = {}
        if self.cleaned_data.get("care_model"):
            found["care_model"] = self.cleaned_data["care_model"]
        if self.cleaned_data.get("therapist"):
            found["therapist_id"] = self.cleaned_data["therapist"]
        return found

    def period(self) -> tuple:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")


class QuarterForm(forms.Form):
    """Which quarter to build: the last four, newest first (the current one so far)."""

    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=str)

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.isoformat(), label) for q, label in quarters]
