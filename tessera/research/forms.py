"""Forms validate input; the research actions write it."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import DATE_INPUT
from tessera.core.models import Episode
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.namesakes import namesake_details
from tessera.core.roles import StudyRole
from tessera.core.validation import CONTENT_MAX_LENGTH, TEXT_MAX_LENGTH
from tessera.instruments.time_points import TimePoint

from .models import Arm, Participant


class JSONRulesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return {}
        if len(text) > self.max_length:
            # Checked on the text: the validators only see the parsed rules.
            raise forms.ValidationError(
                _("Use at most %(limit)d characters.") % {"limit": self.max_length}
            )
        try:
            rules = json.loads(text)
        except ValueError:
            rules = None
        except RecursionError:
            # Deeper than the parser recurses (about a thousand levels): no rules are.
            raise forms.ValidationError(_("This JSON is nested too deeply to be read.")) from None
        if not isinstance(rules, dict):
            # A number, a list or a string is JSON too, but no rules (a number reached
            # the length check, which measures text: a 500).
            raise forms.ValidationError(_("The rules must be written as JSON, between { and }."))
        return rules

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value


class StudyForm(forms.Form):
    key = forms.SlugField(label=_("Short name"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    clinics = forms.ModelMultipleChoiceField(
        label=_("Sites"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    registry_id = forms.CharField(label=_("Trial registry id"), max_length=60, required=False)
    ethics_approval_id = forms.CharField(
        label=_("Ethics approval id"), max_length=60, required=False
    )
    ethics_approved_on = forms.DateField(
        label=_("Ethics approval date"), required=False, widget=DATE_INPUT
    )
    eligibility = JSONRulesField(
        label=_("Eligibility rules"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            'The matching rules\' words, e.g. {"min_age": 18, "scores": [{"instrument": '
            '"PHQ-9", "min": 10}], "exclude": ["high_risk"], "diagnoses": ["F32"]}.'
        ),
    )
    target_size = forms.IntegerField(
        label=_("Planned number of participants"), min_value=2, max_value=100000
    )
    stratify_by_site = forms.BooleanField(label=_("Stratify by site"), required=False, initial=True)
    severity_instrument = forms.CharField(
        label=_("Stratify by baseline severity on (questionnaire)"), max_length=32, required=False
    )
    severity_cutoff = forms.IntegerField(
        label=_("Severe from (total score)"), required=False, min_value=0
    )

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinics"].queryset = clinics


class StudyEditForm(StudyForm):
    """The protocol while the study is planned: everything but its short name."""

    # The protocol as this form drew it (actions.protocol_digest): another's save since
    # is not overwritten (decision 0149).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["key"]


class ExtendForm(forms.Form):
    stratum = forms.ChoiceField(label=_("Stratum"), choices=[])
    places = forms.IntegerField(
        label=_("Places to add"),
        min_value=1,
        max_value=1000,
        help_text=_("Whole blocks are added, so it may be a few more."),
    )
    # How many places the sequence had when the page was drawn: the form sent twice (a
    # double click, back and send again) adds nothing the second time.
    drawn = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, strata, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stratum"].choices = [(s, s) for s in strata]


class ArmForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    label = forms.CharField(label=_("Name"), max_length=120)
    programme_version = forms.ModelChoiceField(
        label=_("Programme (empty: a tailored plan)"), queryset=None, required=False
    )
    care_model = forms.ChoiceField(label=_("Care model"), choices=Episode.CareModel.choices)
    guidance = forms.ChoiceField(label=_("Guidance"), choices=Arm.Guidance.choices)
    ratio = forms.IntegerField(label=_("Allocation ratio"), min_value=1, max_value=5, initial=1)
    # The arms as the page drew them (``arms_digest``, decision 0152).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_version"].queryset = programmes


class MeasureForm(forms.Form):
    instrument = forms.CharField(label=_("Questionnaire"), max_length=32)
    time_point = forms.ChoiceField(label=_("Time point"), choices=TimePoint.choices)
    days = forms.IntegerField(label=_("Days after randomisation"), min_value=0, max_value=3650)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Staff member's e-mail"))
    role = forms.ChoiceField(label=_("Study role"), choices=StudyRole.choices)


class ConsentForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    text = forms.CharField(
        label=_("Consent text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=CONTENT_MAX_LENGTH,
    )
    # The consent versions as the page drew them (``consent_versions_drawn``, 0152);
    # None from a page drawn before it existed: not checked.
    drawn = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=200, empty_value=None
    )


# The most patients one search shows: a short list to choose from on a phone. More
# matches ask for more of the name, or the identity number (decision 0139).
INVITE_MATCHES = 20


class InviteForm(forms.Form):
    """The choice of one of the patients a search found (decision 0139). The choices are
    the ``shown`` episodes alone (at most ``INVITE_MATCHES``); what is sent is checked
    against every episode the recruiter may invite (``episodes``), one row read."""

    episode = forms.ModelChoiceField(
        label=_("Patient"),
        queryset=None,
        widget=forms.RadioSelect,
        # The list was drawn before the choice was sent: the course may have ended, or
        # someone else invited the patient, meanwhile (decision 0135). Django's own
        # words ("Select a valid choice") said neither.
        error_messages={
            "invalid_choice": _(
                "This patient can no longer be invited: their course has ended or they "
                "have been asked already. The list below is as it is now."
            )
        },
    )

    def __init__(self, *args, episodes, shown=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = episodes
        self.show(shown)

    def show(self, shown) -> None:
        """Offer these episodes (those a search found) to choose from."""
        shown = list(shown)
        # Two patients named alike among those found are told apart by the date of
        # birth, then the record's number, as in every staff list (decisions 0128, 0135).
        # The names are the episodes' copies: no patient row is read.
        self.fields["episode"].choices = [
            (episode.pk, _label(episode, said))
            for episode, said in zip(shown, namesake_details(shown), strict=True)
        ]


def _label(episode, said: str) -> str:
    name = f"{episode.patient_first_name} {episode.patient_last_name}".strip()
    return f"{name} ({said}) · {episode.clinic.name}" if said else f"{name} · {episode.clinic.name}"


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Participant.Exclusion.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DiscontinueForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Participant.Discontinuation.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DeviationForm(forms.Form):
    description = forms.CharField(
        label=_("What happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What happens to your research data"),
        choices=Participant.Withdrawal.choices,
        widget=forms.RadioSelect,
    )
