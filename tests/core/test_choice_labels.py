"""``get_FOO_display()`` of every model field with choices is Django's answer, translated
once (``core.choice_labels``, issue 16): for each choice, a value no choice has, None and
an empty string, in English and Swedish. Compared with Django's own
``Model._get_FIELD_display``; fails if the two ever differ."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from tessera.core import choice_labels


def _fields():
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.choices
    ]


def test_every_field_with_choices_uses_it():
    fields = _fields()
    assert len(fields) > 40
    for model, field in fields:
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, partialmethod)
        assert method.func is choice_labels.get_field_display, (model, field.name)
    assert choice_labels.install() == 0  # already installed: nothing left to replace


@pytest.mark.parametrize("language", ["en", "sv"])
def test_each_label_is_djangos(language):
    compared = 0
    with translation.override(language):
        for model, field in _fields():
            values = [value for value, _label in field.flatchoices] + ["no-such", None, ""]
            for value in values:
                row = model.__new__(model)
                row.__dict__[field.attname] = value
                ours = getattr(row, f"get_{field.name}_display")()
                djangos = Model._get_FIELD_display(row, field)
                assert ours == djangos and type(ours) is type(djangos), (model, field, value)
                compared += 1
    assert compared > 300


def test_the_active_language_decides_after_the_labels_are_kept():
    from tessera.core.models import Episode

    row = Episode(status=Episode.Status.ACTIVE)
    with translation.override("en"):
        english = row.get_status_display()
    with translation.override("sv"):
        swedish = row.get_status_display()
    assert english != swedish
    with translation.override("en"):
        assert row.get_status_display() == english


def test_new_choices_are_read_again():
    from tessera.core.models import Episode

    field = Episode._meta.get_field("status")
    row = Episode(status="active")
    before = row.get_status_display()
    saved = field.choices
    try:
        field.choices = [("active", "Running")]
        assert row.get_status_display() == "Running"
    finally:
        field.choices = saved
    assert row.get_status_display() == before
