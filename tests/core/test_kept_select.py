"""The audit search's event list drawn once and kept (``KeptSelect``, decision 0059) is
what Django's ``Select`` draws, for every value, language and set of attributes, and a
change of choices or value is never answered from what was kept."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from tessera.core.forms import AuditSearchForm, KeptSelect


@pytest.mark.parametrize("language", ["en", "sv", "nb"])
@pytest.mark.parametrize("value", ["", "patient.viewed", "nonsense", None])
def test_the_event_list_is_what_a_select_draws(language, value):
    with translation.override(language):
        for _twice in range(2):  # drawn, then kept
            form = AuditSearchForm({"event": value} if value is not None else None)
            form.is_valid()
            kept = str(form["event"])
            plain = form["event"].as_widget(
                widget=forms.Select(choices=form.fields["event"].choices)
            )
            assert kept == plain
            assert kept.count("<option") == len(form.fields["event"].choices)


def test_other_choices_or_values_are_drawn_afresh():
    first = KeptSelect(choices=[("a", "A"), ("b", "B")]).render("x", "a")
    assert 'value="a" selected' in first
    assert 'value="b" selected' in KeptSelect(choices=[("a", "A"), ("b", "B")]).render("x", "b")
    changed = KeptSelect(choices=[("a", "A"), ("c", "C")]).render("x", "a")
    assert 'value="c"' in changed and 'value="b"' not in changed
    assert 'id="y"' in KeptSelect(choices=[("a", "A")]).render("x", "a", {"id": "y"})
