"""A form and a field drawn in Python (``core.templatetags.drawn_forms``, decision 0102)
must draw what ``includes/form.html`` and ``includes/field.html`` drew, character for
character. The templates' last text is kept beside this file (drawn_forms_reference/);
each case renders a form with it and with the tags, in English and Swedish, and compares.
"""

from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from tessera.core.templatetags.drawn_forms import field_html, form_html

# includes/form.html and includes/field.html as they were before decision 0102 (kept in
# drawn_forms_reference/): the reference drawing. Change them there only with the tags.
REFERENCE = Path(__file__).parent / "drawn_forms_reference"
FORM_TEMPLATE = (REFERENCE / "form.html").read_text()
FIELD_TEMPLATE = (REFERENCE / "field.html").read_text()


HOSTILE = '<script>alert("x")</script> & co'


class EveryKind(forms.Form):
    """One field of every kind the project's forms draw, each way they vary."""

    secret = forms.CharField(widget=forms.HiddenInput, initial="k<1>")
    other_secret = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", max_length=20, help_text="As on the card.")
    note = forms.CharField(label=HOSTILE, required=False, widget=forms.Textarea)
    safe_help = forms.CharField(
        required=False, help_text=mark_safe("<em>kept</em> as given"), label="Safe help"
    )
    agree = forms.BooleanField(label="I agree", help_text="Needed to go on.")
    optional_box = forms.BooleanField(label=HOSTILE, required=False)
    when = forms.DateField(label="When", widget=forms.DateInput(attrs={"type": "date"}))
    how_many = forms.IntegerField(label="How many", min_value=0, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "---------"), ("a", "A & a"), ("<b>", HOSTILE)]
    )
    mode = forms.ChoiceField(
        label="Mode",
        widget=forms.RadioSelect,
        choices=[("video", "Video"), ("phone", HOSTILE)],
        help_text="Choose one.",
    )
    optional_mode = forms.ChoiceField(
        label="Optional mode",
        widget=forms.RadioSelect,
        choices=[("x", "X")],
        required=False,
    )
    areas = forms.MultipleChoiceField(
        label="Areas",
        widget=forms.CheckboxSelectMultiple,
        choices=[("mood", "Mood"), ("sleep", "Sleep <&>")],
        required=False,
    )
    needed_areas = forms.MultipleChoiceField(
        label="Needed areas",
        widget=forms.CheckboxSelectMultiple,
        choices=[("1", "One"), ("2", "Two")],
    )

    def clean(self):
        data = super().clean()
        if data.get("name") == "clash":
            raise ValidationError([HOSTILE, "A second reason."])
        return data


class Empty(forms.Form):
    pass


class OnlyHidden(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, initial="k")


GOOD = {
    "secret": "s",
    "name": "Ann",
    "agree": "on",
    "when": "2026-12-06",
    "kind": "a",
    "mode": "video",
    "areas": ["mood", "sleep"],
    "needed_areas": ["2"],
    "optional_box": "on",
    "note": "x < y",
}

CASES = {
    "unbound": lambda: EveryKind(),
    "unbound with initial": lambda: EveryKind(
        initial={"agree": True, "mode": "phone", "areas": ["sleep"], "name": HOSTILE}
    ),
    "prefixed": lambda: EveryKind(prefix="assess", auto_id="f_%s"),
    "bound and valid": lambda: EveryKind(GOOD),
    "bound with field errors": lambda: EveryKind(
        {"name": "x" * 30, "how_many": "-1", "when": "soon", "kind": "zzz"}
    ),
    "bound empty": lambda: EveryKind({}),
    "non-field errors": lambda: EveryKind(GOOD | {"name": "clash"}),
    "empty form": lambda: Empty(),
    "only hidden": lambda: OnlyHidden(),
    "no ids": lambda: EveryKind(GOOD | {"name": ""}, auto_id=False),
}


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_form_is_drawn_as_the_template_drew_it(case, language):
    with translation.override(language):
        form = CASES[case]()
        form.is_bound and form.is_valid()
        expected = Template(FORM_TEMPLATE.replace('"includes/field.html"', "field_template"))
        old = expected.render(Context({"form": form, "field_template": Template(FIELD_TEMPLATE)}))
        assert form_html(form) + "\n" == old
        # and through the project's template, as every page includes it
        assert render_to_string("includes/form.html", {"form": form}) == old


@pytest.mark.parametrize("language", ["en", "sv"])
def test_each_field_is_drawn_as_the_template_drew_it(language):
    with translation.override(language):
        for make in CASES.values():
            form = make()
            for field in form.visible_fields():
                old = Template(FIELD_TEMPLATE).render(Context({"field": field}))
                assert field_html(field) == old, field.name
                assert render_to_string("includes/field.html", {"field": field}) == old


def test_the_cases_reach_every_branch():
    """The comparison is only as good as its cases: errors, help, required and not,
    hidden, checkbox, choice lists and plain widgets all appear, in both states."""
    bound = EveryKind({"name": "x" * 30})
    bound.is_valid()
    html = form_html(bound)
    for part in (
        'class="field field-error"',
        'aria-invalid="true"',
        "_helptext ",
        "_error",
        "<fieldset",
        '<div class="choice">',
        '<span class="required">',
        'type="hidden"',
        "Some answers need another look",
        "&lt;script&gt;",
    ):
        assert part in html, part
    assert "<script>" not in html
    clash = EveryKind(GOOD | {"name": "clash"})
    clash.is_valid()
    assert "A second reason." in form_html(clash)
    assert "Some answers need another look" not in form_html(clash)
    checked = EveryKind(initial={"agree": True})
    assert " checked" in field_html(checked["agree"])
