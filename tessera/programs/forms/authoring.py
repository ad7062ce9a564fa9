"""Forms for authoring modules and programmes. They validate; the actions write."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import submission_key_field
from tessera.core.models import Region
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.validation import CONTENT_MAX_LENGTH, TEXT_MAX_LENGTH
from tessera.instruments.choices import instrument_choices
from tessera.instruments.scoring import load_all
from tessera.instruments.time_points import TimePoint

from ..content_rules import (
    FIELD_KINDS,
    MEDIA_KINDS,
    eligibility_problems,
    upload_problem,
    validate_fields,
)
from ..models import ProblemArea, ProgrammeVersion, StepKind, UnlockRule

TEXTAREA = forms.Textarea(attrs={"rows": 6})
JSON_TEXTAREA = forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code-input"})


def parse_json(text: str, default):
    """The JSON in a textarea, or a ValidationError saying where it goes wrong."""
    if not text.strip():
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(
            _("This is not valid JSON: %(problem)s at line %(line)s, column %(column)s."),
            params={"problem": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from None
    except RecursionError:
        # Deeper than the parser recurses (about a thousand levels): no rules are that deep.
        raise forms.ValidationError(_("This JSON is nested too deeply to be read.")) from None


def as_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) if value else ""


class RegionChoiceMixin:
    """A region field only for authors of more than one region."""

    def setup_region(self, region_ids: set[int]) -> None:
        regions = Region.objects.filter(pk__in=region_ids).order_by("name")
        if len(region_ids) > 1:
            self.fields["region"] = forms.ModelChoiceField(label=_("Region"), queryset=regions)
            self.fields.move_to_end("region", last=False)
            self.single_region = None
        else:
            self.single_region = regions.first()

    def chosen_region(self):
        return self.cleaned_data.get("region") or self.single_region


class ModuleCreateForm(RegionChoiceMixin, forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=80,
        help_text=_(
            "A short name in lower-case letters, digits and hyphens, such as "
            "“ba-1-activity-and-mood”. It stays the same in every version."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    summary = forms.CharField(
        label=_("Summary"), widget=TEXTAREA, required=False, max_length=TEXT_MAX_LENGTH
    )
    estimated_minutes = forms.IntegerField(
        label=_("Minutes to work through"), min_value=1, max_value=600, initial=20
    )

    def __init__(self, *args, region_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region(region_ids)


class ModuleDraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    summary = forms.CharField(
        label=_("Summary"), widget=TEXTAREA, required=False, max_length=TEXT_MAX_LENGTH
    )
    estimated_minutes = forms.IntegerField(
        label=_("Minutes to work through"), min_value=1, max_value=600
    )
    # The draft's details as this form drew them (actions.module_draft_digest): another's
    # save since is not overwritten (decision 0149).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class AddStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=StepKind.choices)
    title = forms.CharField(label=_("Title of the step"), max_length=200)
    submission_key = submission_key_field()


class StepForm(forms.Form):
    """One step of a draft; which fields it has depends on the kind of step."""

    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP for an image; MP3 or Ogg for audio; MP4 or WebM for video. "
            "Choose a file only to replace the one the step has."
        ),
    )
    media_alt = forms.CharField(
        label=_("Description of the image"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    body = forms.CharField(
        label=_("Text (markdown)"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
        help_text=_("Markdown: **bold**, *italic*, lists, ## headings and links. No HTML."),
    )
    transcript = forms.CharField(
        label=_("Captions or transcript (markdown)"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )
    fields_json = forms.CharField(
        label=_("Fields to fill in (JSON)"),
        widget=JSON_TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
        help_text=_(
            'A list such as [{"key": "mood", "label": "How is your mood?", "type": '
            '"scale_0_10"}]. Types: text, longtext, number, choice (with "choices"), '
            'scale_0_10, scale_0_100, date, time, datetime, table (with "columns").'
        ),
    )

    # The step as this form drew it (Step.content_digest): another's save since is not
    # overwritten (decision 0149).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, step, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "drawn": step.content_digest(),
                "title": step.title,
                "media_alt": step.media_alt,
                "body": step.body,
                "transcript": step.transcript,
                "fields_json": as_json(step.fields),
            },
        )
        super().__init__(*args, **kwargs)
        self.kind = step.kind
        if self.kind not in MEDIA_KINDS:
            del self.fields["upload"]
        if self.kind != StepKind.IMAGE:
            del self.fields["media_alt"]
        if self.kind not in (StepKind.AUDIO, StepKind.VIDEO):
            del self.fields["transcript"]
        if self.kind not in FIELD_KINDS:
            del self.fields["fields_json"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            problem = upload_problem(upload, kind=self.kind)
            if problem:
                raise forms.ValidationError(problem)
        return upload

    def clean_fields_json(self):
        fields = parse_json(self.cleaned_data["fields_json"], [])
        problems = validate_fields(fields)
        if problems:
            raise forms.ValidationError(problems)
        return fields

    def step_changes(self) -> dict:
        """The cleaned values under the names of the Step model (the upload apart)."""
        data = dict(self.cleaned_data)
        data.pop("upload", None)
        data.pop("drawn", None)
        if "fields_json" in data:
            data["fields"] = data.pop("fields_json")
        return data


class ProgrammeCreateForm(RegionChoiceMixin, forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=80,
        help_text=_("A short name in lower-case letters, digits and hyphens; it never changes."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_area = forms.ChoiceField(label=_("Problem area"), choices=ProblemArea.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, region_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region(region_ids)


class ProgrammeDraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_area = forms.ChoiceField(label=_("Problem area"), choices=ProblemArea.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    care_model = forms.ChoiceField(
        label=_("Care model"),
        choices=ProgrammeVersion._meta.get_field("care_model").choices,
    )
    unlock_rule = forms.ChoiceField(label=_("Unlock rule"), choices=UnlockRule.choices)
    primary_measure = forms.ChoiceField(
        label=_("Primary measure"),
        choices=[],
        required=False,
        help_text=_(
            "The disorder-specific questionnaire the outcome is read on, asked at the start "
            "and the end. Empty: the problem area's default (depression PHQ-9, panic PDSS-SR, "
            "insomnia ISI, social anxiety SPIN, worry GAD-7, post-traumatic stress IES-R, "
            "agoraphobia MI, health anxiety SHAI, OCD OCI-R). A licensed questionnaire is asked "
            "only at clinics that have entered its wording."
        ),
    )
    weeks = forms.IntegerField(label=_("Length in weeks"), min_value=1, max_value=104)
    min_age = forms.IntegerField(label=_("Lowest age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Highest age"), min_value=0, max_value=120, required=False)
    eligibility_more = forms.CharField(
        label=_("Other eligibility rules (JSON)"),
        widget=JSON_TEXTAREA,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            'Written between { and }, for example {"scores": [{"instrument": "PHQ-9", '
            '"min": 10, "max": 23}], "exclude": ["high_risk", "audit_zone_iv"]}. Exclusions: '
            '"high_risk" (a risk a clinician assessed as high), "audit_zone_iii", '
            '"audit_zone_iv"; any other text is shown as something to check at assessment.'
        ),
    )
    description_patient = forms.CharField(
        label=_("Description for patients (markdown)"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )
    description_professional = forms.CharField(
        label=_("Description for GPs and professionals (markdown)"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )
    evidence = forms.CharField(
        label=_("What the evidence says"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )

    # The draft's details as this form drew them (actions.programme_draft_digest):
    # another's save since is not overwritten (decision 0149).
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_measure"].choices = [("", _("the problem area's default"))] + [
            (d.code, f"{d.code} — {d.name}")
            for d in sorted(load_all().values(), key=lambda d: d.code)
        ]

    @classmethod
    def initial_for(cls, version: ProgrammeVersion) -> dict:
        rules = dict(version.eligibility or {})
        initial = {
            name: getattr(version, name)
            for name in cls.base_fields
            if hasattr(version, name) and name != "eligibility_more"
        }
        initial["min_age"] = rules.pop("min_age", None)
        initial["max_age"] = rules.pop("max_age", None)
        initial["eligibility_more"] = as_json(rules)
        return initial

    def clean_eligibility_more(self):
        rules = parse_json(self.cleaned_data["eligibility_more"], {})
        if not isinstance(rules, dict):
            raise forms.ValidationError(_("Write the rules between { and }."))
        if {"min_age", "max_age"} & set(rules):
            raise forms.ValidationError(_("Give the age limits in their own fields above."))
        problems = eligibility_problems(rules)
        if problems:
            raise forms.ValidationError(problems)
        return rules

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The highest age is below the lowest age."))
        return data

    def programme_changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("drawn", None)
        rules = data.pop("eligibility_more", {}) or {}
        data["eligibility"] = {"min_age": data.pop("min_age"), "max_age": data.pop("max_age")}
        data["eligibility"].update(rules)
        return data


class MeasureForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=[], required=False)
    time_point = forms.ChoiceField(label=_("Time point"), choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", "—")] + instrument_choices()
        self.fields["time_point"].choices = [("", "—")] + list(TimePoint.choices)

    def clean(self):
        data = super().clean()
        if bool(data.get("instrument")) != bool(data.get("time_point")):
            raise forms.ValidationError(_("Choose both a questionnaire and a time point."))
        return data


class BaseMeasureFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            pair = (form.cleaned_data.get("instrument"), form.cleaned_data.get("time_point"))
            if pair[0] and pair in seen:
                raise forms.ValidationError(_("The same questionnaire and time point twice."))
            seen.add(pair)

    def measures(self) -> list[dict]:
        return [
            {"instrument": f.cleaned_data["instrument"], "time_point": f.cleaned_data["time_point"]}
            for f in self.forms
            if f.cleaned_data.get("instrument")
        ]


MeasureFormSet = forms.formset_factory(MeasureForm, formset=BaseMeasureFormSet, extra=2, max_num=40)


class ProgrammeModulesForm(forms.Form):
    """Which published module versions the programme has, and in which order: a checkbox
    and a position for each, so that it works without JavaScript. ``drawn``: the list as
    the page drew it (``programme_modules_digest``, decision 0152)."""

    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, choices, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = list(choices)
        for version in self.choices:
            self.fields[f"use_{version.pk}"] = forms.BooleanField(
                label=str(version.title), required=False, initial=version.pk in current
            )
            self.fields[f"position_{version.pk}"] = forms.IntegerField(
                label=_("Position"),
                required=False,
                min_value=1,
                max_value=999,
                initial=current.get(version.pk),
            )

    def rows(self):
        return [
            (version, self[f"use_{version.pk}"], self[f"position_{version.pk}"])
            for version in self.choices
        ]

    def clean(self):
        data = super().clean()
        chosen = [v for v in self.choices if data.get(f"use_{v.pk}")]
        modules = [v.module_id for v in chosen]
        if len(set(modules)) != len(modules):
            raise forms.ValidationError(
                _("A module can be in a programme only once: choose one version of it.")
            )
        last = len(self.choices) + 1000
        order = {v.pk: (data.get(f"position_{v.pk}") or last, n) for n, v in enumerate(chosen)}
        data["module_version_ids"] = sorted(order, key=order.get)
        return data
