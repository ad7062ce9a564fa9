"""The filters of a report: a period, a care model, a referral route, a problem area
(the programme's), a programme, and for a clinic a therapist; the costs a manager
enters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core import drawn as drawn_values
from tessera.core.forms import DATE_INPUT, refused_as
from tessera.core.models import Episode
from tessera.intake.models.applications import Source
from tessera.programs.models import ProblemArea


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    care_model = forms.ChoiceField(
        label=_("Care model"),
        required=False,
        choices=[("", _("All"))] + list(Episode.CareModel.choices),
    )
    referral_source = forms.ChoiceField(
        label=_("Referral route"),
        required=False,
        choices=[("", _("All"))] + list(Source.choices),
    )
    problem_area = forms.ChoiceField(
        label=_("Problem area"),
        required=False,
        choices=[("", _("All"))] + list(ProblemArea.choices),
    )

    def __init__(self, *args, therapists=None, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The programmes that the rows in scope were treated with (their keys).
        self.fields["programme"] = forms.ChoiceField(
            label=_("Programme"),
            required=False,
            choices=[("", _("All"))] + [(key, key) for key in programmes],
        )
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
        for name in ("care_model", "referral_source", "problem_area"):
            if self.cleaned_data.get(name):
                found[name] = self.cleaned_data[name]
        if self.cleaned_data.get("programme"):
            found["programme_key"] = self.cleaned_data["programme"]
        if self.cleaned_data.get("therapist"):
            found["therapist_id"] = self.cleaned_data["therapist"]
        return found

    def in_period(self, rows):
        """The rows in the care of the service at some time in the period: opened on
        or before its end, and not ended before its start (the per-episode tables)."""
        start, end = self.period()
        if end is not None:
            rows = rows.filter(opened_on__lte=end)
        if start is not None:
            rows = rows.exclude(ended_on__lt=start)
        return rows

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


class CostsForm(forms.Form):
    per_therapist_hour = forms.DecimalField(
        label=_("Cost per therapist hour"), min_value=0, max_digits=9, decimal_places=2
    )
    fixed_per_month = forms.DecimalField(
        label=_("Fixed costs per month"), min_value=0, max_digits=11, decimal_places=2
    )
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def refused_meanwhile(self, error, now) -> bool:
        """Whether the action refused the save for another manager's meanwhile: the form
        says so, keeps what was typed and carries the costs as they are now (``now``),
        so that saving again from it replaces them knowingly (0152's follow-up)."""
        if not refused_as(error, "changed_meanwhile"):
            return False
        self.data = self.data.copy()
        self.data["drawn"] = drawn_values.costs_digest(now)
        self.add_error(None, drawn_values.CHANGED_MEANWHILE)
        return True


class RegisterExportForm(forms.Form):
    """Which register profile, and (optionally) which period: the courses in treatment at
    some time in it."""

    profile = forms.ChoiceField(label=_("Register profile"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [
            (f"{name}-{version}", f"{name} ({_('version')} {version})")
            for name, version in profiles
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data

    def chosen(self) -> tuple[str, int]:
        name, _dash, version = self.cleaned_data["profile"].rpartition("-")
        return name, int(version)
