"""Forms of intake: they only validate; the actions write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import StaffChoiceField, submission_key_field
from tessera.core.models import Episode, User
from tessera.core.models.organisation import COUNTRY_CHOICES, LANGUAGE_CHOICES
from tessera.core.namesakes import staff_label, staff_namesake_details
from tessera.core.validation import TEXT_MAX_LENGTH, text_field
from tessera.programs.models import ProgrammeVersion

from . import care_models, diagnoses
from .models import AssessmentBooking, Decision, Referral, RiskLevel, Source, Status

COUNTRIES = [("", _("No identity number"))] + list(COUNTRY_CHOICES)


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the text above and agree to it"),
        error_messages={"required": _("Tick the box to agree, or leave the application.")},
    )


class InviteConfirmForm(forms.Form):
    """The invited person shows who they are when signed in with another address."""

    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 1990-04-12."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    last_four = forms.RegexField(
        label=_("Last four digits of your identity number"),
        regex=r"^[0-9]{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter four digits.")},
    )


class DetailsForm(forms.Form):
    """The applicant's own details: the browser may fill them in (WCAG 1.3.5)."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 1990-04-12."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    national_id_country = forms.ChoiceField(
        label=_("Country of identity number"), choices=COUNTRIES, required=False
    )
    national_id = forms.CharField(
        label=_("National identity number"), max_length=20, required=False
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_("So that the clinic can call you if it needs to reach you quickly."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=LANGUAGE_CHOICES,
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )


class UrgentPhoneForm(forms.Form):
    """Asked before sending when a screening answer made the application urgent and no
    phone number is on record yet."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_(
            "Some of your answers mean the clinic would like to be able to call you soon. "
            "Leave it empty if you prefer to be contacted by e-mail."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class PersonForm(DetailsForm):
    """The patient's details on a professional's referral (e-mail for the invitation).
    Someone else's details: the browser must not fill in the referrer's own."""

    prefix = "patient"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"


class ReferralForm(forms.ModelForm):
    prefix = "referrer"

    reason = text_field(Referral, "reason", widget=forms.Textarea(attrs={"rows": 5}))
    submission_key = submission_key_field()

    class Meta:
        model = Referral
        fields = [
            "referrer_name",
            "organisation",
            "role",
            "phone",
            "secure_email",
            "reason",
            "consent_to_letters",
        ]
        # The referrer's own details (WCAG 1.3.5).
        widgets = {
            "referrer_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "secure_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }


class AskInfoForm(forms.Form):
    message = forms.CharField(
        label=_("What do you need to know? The applicant sees this on their status page."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    submission_key = submission_key_field()


class BookForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=AssessmentBooking.Mode.choices)
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    assessor = StaffChoiceField(label=_("Assessor"), queryset=None)
    where = forms.CharField(label=_("Video link or address"), max_length=300, required=False)
    submission_key = submission_key_field()

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )


class RedirectForm(forms.Form):
    where = forms.CharField(label=_("Referred on to"), max_length=300)
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )


class QueueFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    messages = forms.BooleanField(label=_("New messages from applicants"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("Any source"))] + list(Source.choices)
        statuses = [(v, label) for v, label in Status.choices if v != Status.DRAFT]
        self.fields["status"].choices = [("", _("Open applications"))] + statuses


class TherapistChoice(forms.ModelChoiceField):
    """A therapist with their caseload in the label ("Tove Berg — 12 of 40 patients"),
    two named alike told apart by their e-mail addresses (decision 0139)."""

    def __init__(self, *args, loads=(), **kwargs):
        self.loads = {load.user.pk: load for load in loads}
        users = [load.user for load in loads]
        self.names = {
            user.pk: staff_label(user, said)
            for user, said in zip(users, staff_namesake_details(users), strict=True)
        }
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        load = self.loads.get(obj.pk)
        name = self.names.get(obj.pk) or str(obj)
        if load is None:
            return name
        if load.max_caseload is None:
            return _("%(name)s — %(n)s patients, no maximum set") % {
                "name": name,
                "n": load.caseload,
            }
        text = _("%(name)s — %(n)s of %(max)s patients") % {
            "name": name,
            "n": load.caseload,
            "max": load.max_caseload,
        }
        return text + (" " + str(_("(full)")) if load.full else "")


def _therapist_field(loads, required: bool) -> TherapistChoice:
    field = TherapistChoice(
        label=_("Responsible therapist (suggested: the most free places first)"),
        queryset=User.objects.filter(pk__in=[load.user.pk for load in loads]),
        required=required,
        loads=loads,
    )
    # keep the suggested order, not the database's
    field.choices = [("", "---------")] + [
        (load.user.pk, field.label_from_instance(load.user)) for load in loads
    ]
    return field


class AssessForm(forms.Form):
    notes = forms.CharField(
        label=_("Assessment notes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
    )
    diagnoses = forms.MultipleChoiceField(
        label=_("Working diagnoses (ICD-10)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_level = forms.ChoiceField(label=_("Risk"), widget=forms.RadioSelect)
    risk_note = forms.CharField(
        label=_("About the risk"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    programme_version = forms.ModelChoiceField(
        label=_("Programme (when accepting)"), queryset=None, required=False
    )
    care_model = forms.ChoiceField(label=_("Care model (when accepting)"), required=False)
    reason = forms.CharField(
        label=_("Reason, or where the person is referred on to (when declining)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    over_capacity_ok = forms.BooleanField(
        label=_("I know this therapist is at their maximum caseload; assign them anyway"),
        required=False,
    )
    screening_skip_reason = forms.CharField(
        label=_("Clinical reason to accept without completed screening"),
        help_text=_("Only when the applicant has not finished screening."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )

    def __init__(
        self, *args, programmes, loads, suggested=None, screened=False, clinic=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if screened:
            del self.fields["screening_skip_reason"]
        self.fields["diagnoses"].choices = diagnoses.choices()
        self.fields["risk_level"].choices = RiskLevel.choices
        self.fields["decision"].choices = Decision.choices
        self.fields["programme_version"].queryset = ProgrammeVersion.objects.filter(
            pk__in=[v.pk for v in programmes]
        ).select_related("programme")
        models = care_models.offered(clinic) if clinic is not None else Episode.CareModel.choices
        self.fields["care_model"].choices = [("", "---------")] + list(models)
        self.fields["therapist"] = _therapist_field(loads, required=False)
        if suggested is not None:
            self.fields["therapist"].initial = suggested.user.pk
        order = list(self.fields)
        order.insert(order.index("over_capacity_ok"), order.pop(order.index("therapist")))
        self.order_fields(order)


class StartForm(forms.Form):
    over_capacity_ok = forms.BooleanField(
        label=_("Assign even if the therapist is at their maximum caseload"), required=False
    )

    def __init__(self, *args, loads, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"] = _therapist_field(loads, required=False)
        if current is not None:
            self.fields["therapist"].initial = current
        self.order_fields(["therapist", "over_capacity_ok"])


class ApplicationMessageForm(forms.Form):
    """A message between an applicant and the intake team (issue 14)."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The clinic's intake team reads it on working days."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
