"""``get_FOO_display()`` without translating every label of the field (issue 16: CPU per
request).

Django's ``Model._get_FIELD_display`` builds a dict of the field's choices on every call,
hashing each label; a label is a lazy translation, and hashing it translates it. A row's
status shown in a list of fifty rows translated every status label fifty times: a tenth
of the triage queue's CPU, an eighth of the audit search's before its own fix.

``install()`` (core's ``ready``) gives every model field with choices a display method
that keeps the field's {value: label} per ``field.choices`` (its labels left lazy, so the
active language still decides) and translates only the label it returns; otherwise it is
Django's: the value itself when no choice has it, ``force_str(…, strings_only=True)``.
A model that defines its own ``get_FOO_display`` keeps it. tests/core/test_choice_labels.py
compares it with Django's for every choice of every such field, in two languages.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_DJANGOS = Model._get_FIELD_display


def _labels(field) -> dict:
    kept = field.__dict__.get("_tessera_labels")
    if kept is None or kept[0] is not field.choices:
        kept = (field.choices, {make_hashable(v): label for v, label in field.flatchoices})
        field.__dict__["_tessera_labels"] = kept
    return kept[1]


def get_field_display(self, field):
    """As ``Model._get_FIELD_display``: the label of the field's value, translated."""
    if not isinstance(field.choices, list | tuple):  # callable choices: read each time
        return _DJANGOS(self, field)
    value = getattr(self, field.attname)
    try:
        key = make_hashable(value)
        label = _labels(field).get(key, value)
    except TypeError:  # a value that cannot be a key: Django's own way
        return _DJANGOS(self, field)
    return force_str(label, strings_only=True)


def install() -> int:
    """Replace Django's display method on every concrete model field with choices (not
    one the model defined itself); returns how many were replaced."""
    replaced = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is _DJANGOS:
                setattr(model, name, partialmethod(get_field_display, field=field))
                replaced += 1
    return replaced
