"""Helpers shared by the consultation and supervision pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError

FIELD_NAMES = {"colleague": "to"}


def add_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = FIELD_NAMES.get(field, field)
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
