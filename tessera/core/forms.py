"""Forms validate input; the actions write it."""

import datetime as dt
import unicodedata
import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import drawn as drawn_values
from .actions.patients import PATIENT_DETAIL_FIELDS
from .audit import Event
from .models import Clinic, ClinicRole, CrisisContact, Patient, StaffLeave
from .models.organisation import LANGUAGE_CHOICES, WEEKDAY_CHOICES
from .namesakes import staff_label, staff_namesake_details
from .roles import Role
from .validation import text_field

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def submission_key_field() -> forms.UUIDField:
    """A hidden key drawn with the page, so that the form sent twice makes one record
    (``tessera.core.submissions``). Not required: a page drawn before it existed still
    sends."""
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class UnchangedSinceDrawn(forms.ModelForm):
    """A record's form that does not save over a change made after it was drawn: the
    patient changes their phone number while their therapist has the record open, and
    the therapist's save put the old number back without a word. The page carries a
    digest of the values it was drawn with; when the record's values differ by the
    time it is sent, nothing is saved and the form says so, what was typed still in it
    (sent again, it saves: the digest is then the current one). ``changed_meanwhile``
    tells the view to answer 409, as the other refused saves do (decision 0149)."""

    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    changed_meanwhile = False
    drawn_as_sent = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["drawn"] = self._digest()

    def _digest(self) -> str:
        return drawn_values.digest(self.instance, self._meta.fields)

    def as_drawn(self) -> drawn_values.Drawn:
        """For the action, which compares again under the record's row lock (0152)."""
        return drawn_values.Drawn(self.drawn_as_sent, tuple(self._meta.fields))

    def refused_meanwhile(self, error) -> bool:
        """Whether the action refused the save for a change made meanwhile: if so, the
        form says so as its own check does, and carries the record as it is now."""
        if not refused_as(error, "changed_meanwhile"):
            return False
        self._changed(self.instance.__class__.objects.get(pk=self.instance.pk))
        self.add_error(None, drawn_values.CHANGED_MEANWHILE)
        return True

    def _changed(self, now_instance) -> None:
        self.changed_meanwhile = True
        self.data = self.data.copy()
        self.data[self.add_prefix("drawn")] = drawn_values.digest(now_instance, self._meta.fields)

    def clean(self):
        data = super().clean()
        drawn = self.drawn_as_sent = data.pop("drawn", "")
        now = self._digest()  # the instance as read for this request, not yet changed
        if drawn_values.changed_since(now, drawn, data, self._meta.fields):
            self._changed(self.instance)
            raise forms.ValidationError(drawn_values.CHANGED_MEANWHILE)
        return data


class PatientDetailsForm(UnchangedSinceDrawn):
    """Everything staff may correct on a patient record."""

    address = text_field(Patient, "address", widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Patient
        fields = PATIENT_DETAIL_FIELDS
        widgets = {"date_of_birth": DATE_INPUT}
        help_texts = {
            "national_id": _(
                "Optional. Checked against the country's check digit where one exists."
            ),
        }


class PatientContactForm(UnchangedSinceDrawn):
    """What a patient may change on their own record."""

    address = text_field(
        Patient,
        "address",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    class Meta:
        model = Patient
        fields = [
            "email",
            "phone",
            "address",
            "preferred_language",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
        ]
        # The person's own details say what they are (WCAG 1.3.5), so browsers can fill them.
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "preferred_language": forms.Select(attrs={"autocomplete": "language"}),
        }


def _address_lines(text) -> str:
    """A postal address as the browser sends it (lines ending in CR LF), one line per
    line, without blank lines or spaces around them."""
    lines = (line.strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


class ClinicSettingsForm(UnchangedSinceDrawn):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Clinic
        fields = [
            "name",
            "languages",
            "time_zone",
            "working_days",
            "opens_at",
            "closes_at",
            "referral_model",
            "offers_guided",
            "offers_unguided",
            "offers_blended",
            "start_unguided_after_clean_screening",
            "physician_assessment",
            "response_target_hours",
            "inactive_after_days",
            "icbt_share_limit",
            "alert_ack_hours_high",
            "alert_ack_hours_moderate",
            "read_only_after_days",
            "reading_access_days",
            "outcome_rule",
            "contact_phone",
            "contact_email",
            "postal_address",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "working_days": _("ISO weekday numbers: 1 is Monday, 7 is Sunday. E.g. 12345."),
            "time_zone": _("For example Europe/Stockholm or Europe/London."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = LANGUAGE_CHOICES
        # Left out of a post (an older form), the clinic keeps its rule.
        self.fields["outcome_rule"].required = False

    def clean_postal_address(self) -> str:
        return _address_lines(self.cleaned_data.get("postal_address"))

    def clean_outcome_rule(self) -> str:
        chosen = self.cleaned_data.get("outcome_rule")
        return chosen or getattr(self.instance, "outcome_rule", "") or Clinic.OutcomeRule.NATIONAL

    def clean_languages(self) -> list[str]:
        """The ticked languages in the clinic's own order (its first language is the
        one its letters are written in), new ones after them. Checkboxes arrive in the
        order of the list, so without this a save without changes would reorder them."""
        chosen = list(self.cleaned_data.get("languages") or [])
        current = list(getattr(self.instance, "languages", None) or [])
        kept = [code for code in current if code in chosen]
        return kept + [code for code in chosen if code not in kept]


class CrisisContactForm(forms.ModelForm):
    url = forms.URLField(
        label=_("web address"),
        required=False,
        assume_scheme="https",
        max_length=CrisisContact._meta.get_field("url").max_length,
    )

    class Meta:
        model = CrisisContact
        fields = ["language", "label", "phone", "url", "note"]

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("url"):
            raise forms.ValidationError(_("Give a phone number or a web address."))
        return data


class KeptSelect(forms.Select):
    """A ``Select`` whose HTML is drawn once per process for each language, name, value,
    attributes and choices, then reused (decision 0059): the audit search's list of about
    two hundred events cost a third of the page's CPU in Django's widget templates, the
    same text on every request. The choices are part of the key, so changed choices
    draw afresh; at most ``KEPT`` drawings are kept."""

    KEPT = 64
    _drawn: dict[tuple, str] = {}

    def render(self, name, value, attrs=None, renderer=None):
        key = (
            get_language(),
            name,
            repr(self.format_value(value)),
            repr(sorted(self.build_attrs(self.attrs, attrs).items())),
            tuple((str(k), str(v)) for k, v in self.choices),
            id(renderer),
        )
        html = self._drawn.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._drawn) >= self.KEPT:
                self._drawn.clear()
            self._drawn[key] = html
        return html


# The letters an alphabet puts after z, in its order (Swedish å ä ö, Danish and Norwegian
# æ ø å); any other accented letter sorts with its plain one (é with e).
_AFTER_Z = {"sv": "åäö", "nb": "æøå", "da": "æøå"}


def alphabetical(language: str):
    """A sort key for texts in ``language``: by its alphabet, not by code points (which
    put Swedish "Ärende" before "Åtkomst", and every capital before every small letter)."""
    after = _AFTER_Z.get(language.split("-")[0], "")

    def key(text: str) -> tuple[str, str]:
        folded = "".join(
            chr(ord("z") + 1 + after.index(c))
            if c in after
            else unicodedata.normalize("NFKD", c)[0]
            for c in text.casefold()
        )
        return folded, text

    return key


def _event_choices(language: str) -> list:
    """The events by what staff read of them in ``language`` (``staff_label``: the words
    name what happened first, so the list falls into groups: "Risk alert ...",
    "Treatment plan ..."), alphabetical in its alphabet; kept per language, the same
    every request."""
    named = _EVENT_CHOICES.get(language)
    if named is None:
        by_words = alphabetical(language)
        named = _EVENT_CHOICES[language] = sorted(
            ((e.value, str(e.staff_label)) for e in Event), key=lambda pair: by_words(pair[1])
        )
    return named


_EVENT_CHOICES: dict[str, list] = {}


class AuditSearchForm(forms.Form):
    who = forms.CharField(
        label=_("Patient name or identity number"), required=False, max_length=100
    )
    patient = forms.IntegerField(label=_("Patient number"), required=False, min_value=1)
    actor = forms.CharField(label=_("Staff e-mail contains"), required=False, max_length=200)
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[], widget=KeptSelect)
    action = forms.CharField(label=_("Event code starts with"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The events by what they say (in the page's language), not by internal codes.
        named = _event_choices(get_language() or "")
        self.fields["event"].choices = [("", _("Any event"))] + named

    # The trail is searched by moments: the first day of year 1 begins before the first
    # moment a timestamp holds (in UTC), and the day after 31 December 9999 does not
    # exist. Both answered 500; no event is older than this range.
    FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            if data.get(name) and not self.FIRST_DAY <= data[name] <= self.LAST_DAY:
                self.add_error(name, _("Enter a date from 1900 to 9998."))
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def add_action_errors(
    form, error, renames: dict | None = None, *, default: str | None = None
) -> None:
    """Put an action's ValidationError beside the field it names (``renames`` maps the
    action's field names to the form's), or above the form when it names none (or beside
    ``default``, for a form whose page shows one field's errors only).

    ``form`` may be a list of forms shown together: each error goes to the first form
    that has the field it names, and errors naming no field go to the first form."""
    forms = list(form) if isinstance(form, (list, tuple)) else [form]
    for field, messages in action_error_lists(error).items():
        name = (renames or {}).get(field, field)
        target = next((f for f in forms if name in f.fields), None)
        if target is None:
            target, name = forms[0], default if default in forms[0].fields else None
        for message in messages:
            target.add_error(name, message)


def refused_as(error, code: str) -> bool:
    """Whether an action's ValidationError is the refusal with this code (a save over
    another's, decision 0149). A dict of field errors is not: it has no ``error_list``,
    and asking it for one was a 500 where the field's message was due."""
    return any(e.code == code for e in getattr(error, "error_list", ()))


def action_error_texts(error, default: str) -> dict[str, str]:
    """An action's ValidationError as one text per field name (errors naming no field
    under ``default``), for pages that show errors without a Django form."""
    return {
        (default if field == NON_FIELD_ERRORS else field): " ".join(messages)
        for field, messages in action_error_lists(error).items()
    }


def form_error_texts(form) -> list[str]:
    """A refused form's errors as texts for messages on the page it goes back to, each
    field's under its label ("Why (kept in the plan history): This field is required."):
    a bare "This field is required." did not say which of the form's fields it meant."""
    texts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        texts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return texts


def action_error_lists(error) -> dict[str, list[str]]:
    """The messages of a ValidationError by field name; NON_FIELD_ERRORS for the rest."""
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {NON_FIELD_ERRORS: list(error.messages)}


class _StaffChoices(ModelChoiceIterator):
    """The staff of a choice, two named alike told apart by their e-mail addresses
    (``namesakes.staff_namesake_details``, decision 0139): one query, as before."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        users = list(self.queryset)
        for user, said in zip(users, staff_namesake_details(users), strict=True):
            yield (
                ModelChoiceIteratorValue(self.field.prepare_value(user), user),
                staff_label(user, said),
            )


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of one staff member in which two colleagues named alike differ."""

    iterator = _StaffChoices


class OnCallShiftForm(forms.Form):
    """One or more weekly stretches of on-call cover for one person (the rota)."""

    user = StaffChoiceField(label=_("Who"), queryset=None)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_hour = forms.TypedChoiceField(
        label=_("From"), choices=[(h, f"{h:02d}:00") for h in range(24)], coerce=int
    )
    ends_hour = forms.TypedChoiceField(
        label=_("To"), choices=[(h, f"{h:02d}:00") for h in range(1, 25)], coerce=int, initial=24
    )
    mobile_phone = forms.CharField(
        label=_("Their mobile number for urgent alerts"),
        max_length=30,
        required=False,
        help_text=_("Alerts go by e-mail and text message. Leave empty to keep the one on file."),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class StaffInviteForm(forms.Form):
    """Invite a staff member by e-mail and give them a role (staff administration)."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    max_caseload = forms.IntegerField(
        label=_("Maximum caseload"), required=False, min_value=0, max_value=500
    )
    weekly_hours = forms.DecimalField(
        label=_("Working hours per week at this clinic"),
        required=False,
        min_value=0,
        max_value=80,
        decimal_places=1,
        help_text=_("Leave empty for the clinic's full opening hours."),
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles or Role.choices


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role to add"))

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles or []


class RoleSettingsForm(UnchangedSinceDrawn):
    """A role's maximum caseload, weekly hours and on-call duty. Drawn with the role's
    values: a save from a page drawn before another manager's is refused (0152); the
    digest travels through the rota gap question, which sends the fields again."""

    class Meta:
        model = ClinicRole
        fields = ["max_caseload", "weekly_hours", "on_call", "profession"]


class LeaveForm(forms.Form):
    """A staff member's leave at a clinic, and who covers (decision 0146)."""

    first_day = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    cover = StaffChoiceField(
        label=_("Colleague who covers"),
        queryset=None,
        required=False,
        help_text=_(
            "Told of their patients' risk alerts while they are away, if the colleague can "
            "open the patient (a supervisor, or someone marked on call here); otherwise "
            "whoever is on call and the managers are told."
        ),
    )

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = colleagues


class LeaveChangeForm(UnchangedSinceDrawn):
    """A leave's days and cover changed (decision 0160): ``LeaveForm``'s fields, drawn
    with the leave's values, so a change sent after another manager's is refused."""

    first_day = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    cover = StaffChoiceField(
        label=_("Colleague who covers"),
        queryset=None,
        required=False,
        help_text=LeaveForm.base_fields["cover"].help_text,
    )

    class Meta:
        model = StaffLeave
        fields = ["first_day", "last_day", "cover"]

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = colleagues

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        return data


class HandOverForm(forms.Form):
    to_user = StaffChoiceField(label=_("New therapist"), queryset=None)

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = therapists


class ChangeTherapistForm(forms.Form):
    """A manager gives one patient to another therapist of the clinic."""

    to_user = StaffChoiceField(label=_("New therapist"), queryset=None)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("For example: the patient asked for another therapist."),
    )

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = therapists

    @classmethod
    def for_episode(cls, user, episode, data=None):
        """The form for this open episode, for those allowed (``access.may_change_therapist``,
        as for handing over a caseload); None for anyone else and for an ended episode."""
        from . import access
        from .models import Episode

        if episode.status == Episode.Status.ENDED or not access.may_change_therapist(user, episode):
            return None
        therapists = access.therapists(episode.clinic).exclude(pk=episode.therapist_id)
        return cls(data, therapists=therapists.order_by("last_name", "first_name", "email"))


class ClinicCreateForm(forms.ModelForm):
    """A region administrator creates a clinic: the essentials, its first crisis contact
    (a clinic needs one before it takes patients) and, optionally, its first manager."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    crisis_label = forms.CharField(label=_("Crisis contact: name"), max_length=200)
    crisis_phone = forms.CharField(label=_("Crisis contact: phone"), max_length=40)
    manager_email = forms.EmailField(
        label=_("The clinic manager's e-mail address"),
        required=False,
        help_text=_("They are invited as the clinic's manager. You can also appoint one later."),
    )

    class Meta:
        model = Clinic
        fields = ["region", "name", "slug", "country", "languages", "time_zone", "postal_address"]
        help_texts = {"time_zone": _("For example Europe/Stockholm or Europe/London.")}
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_postal_address(self) -> str:
        return _address_lines(self.cleaned_data.get("postal_address"))


RATE_LIMIT_LABELS = {
    "referral_form": _("Referrals through the web form, per address (an hour)"),
    "fhir_referral": _(
        "Referrals through the FHIR interface, per referring organisation (an hour)"
    ),
}


class ClinicRateLimitsForm(forms.Form):
    """A clinic's own rate limits, a count an hour per limit the operator opened to
    managers (TESSERA_CLINIC_RATE_BOUNDS); empty keeps the default."""

    def __init__(self, *args, bounds: dict, defaults: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in bounds.items():
            default = defaults.get(name)
            self.fields[name] = forms.IntegerField(
                label=RATE_LIMIT_LABELS.get(name, name),
                required=False,
                min_value=low,
                max_value=high,
                help_text=(
                    _("From %(low)s to %(high)s. Empty: the default, %(default)s an hour.")
                    if default is not None
                    else _("From %(low)s to %(high)s. Empty: the default, no limit.")
                )
                % {"low": low, "high": high, "default": default},
            )
        # The limits the page showed, as a digest; compared under the clinic's lock: a
        # save from a page drawn before another manager's is refused (decision 0152).
        self.fields["drawn"] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64
        )

    def refused_meanwhile(self, error, now: dict) -> bool:
        """Whether the action refused the save for another's meanwhile: the form says
        so, keeps what was typed and carries the limits as they are now (0152)."""
        if not refused_as(error, "changed_meanwhile"):
            return False
        self.data = self.data.copy()
        self.data["drawn"] = drawn_values.rate_limits_digest(now)
        self.add_error(None, drawn_values.CHANGED_MEANWHILE)
        return True
