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
# Every text field of every form has a maximum length (tests/security/test_form_lengths.py
# walks them all). A column's own max_length comes first; these bound the free text that is
# stored in unlimited columns (TextField, JSON): a note, a reason, an address ...
TEXT_MAX_LENGTH = 10_000
# ... and content that clinicians author for many patients (module steps, programme
# descriptions, their JSON), which may be long but not unlimited.
CONTENT_MAX_LENGTH = 100_000


def text_field(model, name: str, *, max_length: int = TEXT_MAX_LENGTH, **kwargs):
    """The form field of a model's text column, bounded: a TextField has no length of its
    own, so its form field would accept any amount of text. Label, help text and
    "required" come from the model as usual; ``kwargs`` (e.g. a widget) override."""
    return model._meta.get_field(name).formfield(max_length=max_length, **kwargs)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


# What no header or cookie may carry into a row: the control characters above, and lone
# surrogates (which cannot be encoded as UTF-8, so no database takes them).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_unstorable_characters(value: str) -> bool:
    return bool(_UNSTORABLE.search(value))


def without_unstorable_characters(value: str) -> str:
    return _UNSTORABLE.sub("", value)


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(_("Remove the invisible control characters from this text."))


def check_lengths(model, fields: dict, *, names: dict | None = None) -> None:
    """ValidationError naming every text field longer than the model's column (under
    ``names[field]`` when the form calls it something else): refused, never cut."""
    errors = {}
    for name, value in fields.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        shown = (names or {}).get(name, name)
        if isinstance(value, str):
            if limit and len(value) > limit:
                errors[shown] = _("Use at most %(limit)d characters.") % {"limit": limit}
            elif has_control_characters(value):
                errors[shown] = _("Remove the invisible control characters from this text.")
    if errors:
        raise ValidationError(errors)
