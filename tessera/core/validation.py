"""One layer that refuses input no field may hold: control characters (NUL above all,
which PostgreSQL cannot store in text) anywhere, and values longer than their column.

HostileInputMiddleware (tessera.core.middleware) answers 400 for such characters in the
path, a query string or a form body before any view runs, so nothing is half-written and
no audit row repeats them. Forms and the FHIR interface use the helpers below for what
the middleware does not see (JSON bodies, lengths).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL, except tab, line feed and carriage return (text areas keep them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# An e-mail address longer than this cannot be stored (RFC 5321, Django's EmailField).
EMAIL_MAX_LENGTH = 254


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(_("Remove the invisible control characters from this text."))


def check_lengths(model, fields: dict) -> None:
    """ValidationError naming every text field longer than the model's column."""
    errors = {}
    for name, value in fields.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str):
            if limit and len(value) > limit:
                errors[name] = _("Use at most %(limit)d characters.") % {"limit": limit}
            elif has_control_characters(value):
                errors[name] = _("Remove the invisible control characters from this text.")
    if errors:
        raise ValidationError(errors)
