"""Forms for the clinic's measurement schedule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.instruments.choices import instrument_choices

from ..models import MeasureRule, RiskThreshold


class MeasureRuleForm(forms.ModelForm):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=[])

    class Meta:
        model = MeasureRule
        fields = [
            "instrument",
            "time_point",
            "interval_days",
            "open_days_before",
            "expire_days_after",
        ]
        labels = {
            "interval_days": _("Interval in days (custom only)"),
            "open_days_before": _("Opens (days before the due date)"),
            "expire_days_after": _("Closes (days after the due date)"),
        }

    def __init__(self, *args, clinic=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["instrument"].choices = instrument_choices(clinic)
        self.fields["open_days_before"].widget.attrs["max"] = 30
        self.fields["expire_days_after"].widget.attrs["max"] = 60

    def clean(self):
        data = super().clean()
        if data.get("time_point") == "custom" and not data.get("interval_days"):
            self.add_error("interval_days", _("A custom interval needs a number of days."))
        if (
            self.clinic is not None
            and MeasureRule.objects.filter(
                clinic=self.clinic,
                programme_key="",
                instrument=data.get("instrument"),
                time_point=data.get("time_point"),
            ).exists()
        ):
            raise forms.ValidationError(_("This questionnaire is already on the schedule then."))
        return data


class RiskThresholdForm(forms.Form):
    instrument = forms.CharField(
        widget=forms.HiddenInput,
        max_length=RiskThreshold._meta.get_field("instrument").max_length,
    )
    rule_code = forms.CharField(
        widget=forms.HiddenInput, max_length=RiskThreshold._meta.get_field("rule_code").max_length
    )
    at_least = forms.IntegerField(label=_("Flag answers from"), min_value=0, max_value=200)
    # The value the page showed, as a digest; compared under the clinic's lock (0152).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
