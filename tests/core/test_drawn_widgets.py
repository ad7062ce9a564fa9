"""The form renderer draws Django's common widgets in Python (``core.drawn_widgets``,
decision 0094): every drawing must be what Django's own templates draw, character for
character. Each case renders the widget twice, once with ``DrawnWidgets`` and once with
Django's ``DjangoTemplates`` renderer, and compares; a change of Django's templates
fails here."""

import datetime as dt
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from tessera.core.drawn_widgets import DRAWN, DrawnWidgets

CHOICES = [("", "---------"), (1, "one"), ("b", 'B & "b"'), ("<x>", "<x>")]
GROUPED = [
    ("", "none"),
    ("Mood", [("F32.0", "F32.0 mild"), ("F33", "F33")]),
    (3, "three"),
    ("Anxiety <&>", [("F41.1", "F41.1")]),
]

WIDGETS = {
    "text": (forms.TextInput(), ["", "plain", 'a "quoted" <b>&', None, 12]),
    "text with attrs": (
        forms.TextInput(
            attrs={
                "maxlength": 100,
                "required": True,
                "disabled": False,
                "aria-describedby": "x_helptext",
                "data-s": mark_safe("<i>safe</i>"),
                "placeholder": "e.g. 3 & 4",
            }
        ),
        ["v"],
    ),
    "email": (forms.EmailInput(), ["a@b.se", None]),
    "number": (forms.NumberInput(attrs={"min": 0, "step": "any"}), [3, 0, None, "1.5"]),
    "password": (forms.PasswordInput(render_value=True), ["secret", None]),
    "hidden": (forms.HiddenInput(), ["9f1c", None, 7]),
    "date": (forms.DateInput(attrs={"type": "date"}), [dt.date(2026, 12, 6), None, "x"]),
    "datetime": (
        forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        [dt.datetime(2026, 12, 6, 9, 30), None],
    ),
    "time": (forms.TimeInput(), [dt.time(8, 15), None]),
    "url": (forms.URLInput(), ["https://example.org/?a=1&b=2"]),
    "search": (forms.SearchInput(attrs={"role": "searchbox"}), ["q"]),
    "tel": (forms.TextInput(attrs={"type": "tel"}), ["+46 70"]),
    "telephone": (forms.TelInput(), ["+47 99"]),
    "color": (forms.ColorInput(), ["#ffffff"]),
    "checkbox": (forms.CheckboxInput(), [True, False, None, "on"]),
    "checkbox with attrs": (forms.CheckboxInput(attrs={"class": "big"}), [True]),
    "textarea": (forms.Textarea(), ["", "line 1\nline <2> & 3", None, "  spaced  "]),
    "textarea with attrs": (forms.Textarea(attrs={"rows": 2, "maxlength": 4000}), ["x"]),
    "select": (forms.Select(choices=CHOICES), [None, "", 1, "1", "b", "<x>"]),
    "select grouped": (forms.Select(choices=GROUPED, attrs={"class": "c"}), ["F33", 3]),
    "select multiple": (forms.SelectMultiple(choices=GROUPED), [["F33", "F41.1"], []]),
    "null boolean": (forms.NullBooleanSelect(), [None, True, False]),
    "radio": (forms.RadioSelect(choices=CHOICES), [None, 1, "b"]),
    "radio grouped": (forms.RadioSelect(choices=GROUPED, attrs={"class": "r"}), ["F41.1"]),
    "checkboxes": (forms.CheckboxSelectMultiple(choices=CHOICES), [[], ["b", "<x>"]]),
    "checkboxes grouped": (forms.CheckboxSelectMultiple(choices=GROUPED), [["F32.0"]]),
}


def _cases():
    for label, (widget, values) in WIDGETS.items():
        for index, value in enumerate(values):
            for attrs in (None, {"id": "id_f", "required": True}):
                yield pytest.param(widget, value, attrs, id=f"{label}-{index}-{bool(attrs)}")


@pytest.mark.parametrize("widget, value, attrs", list(_cases()))
def test_each_widget_is_drawn_as_djangos_templates_draw_it(widget, value, attrs):
    drawn = widget.render("f", value, attrs=attrs, renderer=DrawnWidgets())
    templated = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
    assert drawn == templated


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_whole_form_with_errors_and_prefix_is_drawn_alike(language):
    from django.utils import translation

    class Every(forms.Form):
        name = forms.CharField(max_length=10, help_text="Your name")
        when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        many = forms.MultipleChoiceField(
            choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
        )
        pick = forms.TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int)
        note = forms.CharField(widget=forms.Textarea, required=False)
        agree = forms.BooleanField()
        count = forms.IntegerField(min_value=0)

    data = {"p-name": "far too long a name", "p-kind": "b", "p-many": ["y"], "p-pick": "9"}
    with translation.override(language):
        drawn = Every(data, prefix="p", renderer=DrawnWidgets())
        templated = Every(data, prefix="p", renderer=DjangoTemplates())
        assert str(drawn) == str(templated)
        for field in drawn:
            assert str(field) == str(templated[field.name])
            for index, choice in enumerate(field.subwidgets):
                assert choice.tag() == templated[field.name].subwidgets[index].tag()


def test_the_project_renders_forms_with_it():
    assert settings.FORM_RENDERER == "tessera.core.drawn_widgets.DrawnWidgets"
    assert isinstance(forms.Form().renderer or forms.Form.default_renderer, object)
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), DrawnWidgets)


def test_no_template_drawn_here_is_overridden_by_the_project():
    """A project template of the same name would be drawn by Django and ignored here."""
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += list(Path(settings.BASE_DIR, "tessera").glob("*/templates"))
    overridden = [str(root / name) for root in roots for name in DRAWN if (root / name).exists()]
    assert overridden == []


def test_a_template_not_drawn_here_is_djangos():
    widget = forms.ClearableFileInput()
    drawn = widget.render("f", None, renderer=DrawnWidgets())
    assert drawn == widget.render("f", None, renderer=DjangoTemplates())
    assert "django/forms/widgets/clearable_file_input.html" not in DRAWN
