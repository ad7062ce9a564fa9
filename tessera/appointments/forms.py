from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import submission_key_field
from tessera.core.models import Episode
from tessera.core.validation import TEXT_MAX_LENGTH

from .models import Appointment, ChangeRequest


class BookForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of session"), choices=Appointment.Kind.choices)
    therapist = forms.TypedChoiceField(label=_("With"), coerce=int)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), initial=45, min_value=5)
    place = forms.CharField(label=_("Place (face to face)"), required=False, max_length=200)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        max_length=Appointment._meta.get_field("video_link").max_length,
    )
    submission_key = submission_key_field()

    def __init__(self, *args, therapists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].choices = [(u.pk, str(u)) for u in therapists]


class RecordForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Did the patient come?"),
        choices=[
            (Appointment.Status.ATTENDED, _("Yes, the session took place")),
            (Appointment.Status.DID_NOT_ATTEND, _("No, did not attend")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Session note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300)


class CareModelForm(forms.Form):
    to_model = forms.ChoiceField(label=_("Care model"), choices=Episode.CareModel.choices)
    reason = forms.CharField(label=_("Why"), max_length=500)


class ChangeRequestForm(forms.Form):
    """The patient asks to move or cancel a booked session (issue 14)."""

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=ChangeRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Times that suit you, or why"),
        help_text=_("To move it: say which days and times suit you. Your therapist confirms."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
