"""Helpers shared by the consultation and supervision pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tessera.core.forms import add_action_errors

FIELD_NAMES = {"colleague": "to"}


def add_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError beside the field it names, else above the form."""
    add_action_errors(form, error, FIELD_NAMES)
