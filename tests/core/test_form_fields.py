"""``{{ choice|option_input }}`` draws a radio button's or a checkbox's ``<input>`` as
Django's ``{{ choice.tag }}`` does, character for character (issue 16: the templates it
replaces cost a quarter of an application page). If Django changes its widgets, these
fail and the filter must follow."""

import pytest
from django import forms

from tessera.core.templatetags.form_fields import option_input


class Choices(forms.Form):
    risk = forms.ChoiceField(
        choices=[("low", "Low"), ("high", 'High & "urgent"')], widget=forms.RadioSelect
    )
    codes = forms.MultipleChoiceField(
        choices=[("F32.0", "F32.0 mild"), ("F41.1", "F41.1"), ("<b>", "odd")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    number = forms.TypedChoiceField(
        choices=[(1, "one"), (2, "two")], coerce=int, widget=forms.RadioSelect
    )
    off = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect(attrs={"disabled": True, "data-x": 'q"q', "aria-hidden": False}),
        required=False,
    )


@pytest.mark.parametrize(
    "data",
    [None, {"risk": "high", "codes": ["F41.1", "<b>"], "number": "2", "off": "b"}],
    ids=["unbound", "bound with choices made"],
)
@pytest.mark.parametrize("prefix", [None, "assess"])
def test_each_choice_is_drawn_as_django_draws_it(data, prefix):
    if data is not None and prefix:
        data = {f"{prefix}-{key}": value for key, value in data.items()}
    form = Choices(data, prefix=prefix, initial={"risk": "low"})
    drawn = 0
    for field in form:
        for choice in field:
            assert option_input(choice) == choice.tag()
            drawn += 1
    assert drawn == 9


def test_a_choice_made_is_checked_and_values_are_escaped():
    form = Choices({"codes": ["<b>"]})
    html = [option_input(choice) for choice in form["codes"]]
    assert html[2] == (
        '<input type="checkbox" name="codes" value="&lt;b&gt;" id="id_codes_2" checked>'
    )
    assert " checked" not in html[0]
