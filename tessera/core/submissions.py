"""The same form sent twice: a double click, or back and send again (decision 0067).

A form that makes a record carries a ``submission_key``, a hidden UUID drawn with the
page (``tessera.core.forms.submission_key_field``). The action makes its record through
``made_once``: a key it has already seen gives back the record that key made, marked
``sent_before``, and nothing new is written (no second alert, letter, e-mail). A key
used by someone else, or about another record, is refused with a message, never a way
to reach another's record. Two requests with the same key at once: the unique key lets
one insert, the other finds its row.

Back and send again is not caught by the key alone: the browser draws the form page
anew (staff pages are not cached), with a new key. So an action also passes ``same``:
its rows made by the same person, about the same thing, with the same content, in the
last ``REPEAT_WINDOW``; the first of them is taken as sent before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

REPEAT_WINDOW = dt.timedelta(minutes=10)
SENT_BEFORE = _("This form was already sent. Open the page again to send another.")


def sent_before(model, key, **owner):
    """The row ``key`` already made (``sent_before`` set), or None; a ValidationError when
    it was made by someone else or about something else (``owner``: field → value)."""
    if key is None:
        return None
    row = model.objects.filter(submission_key=key).first()
    if row is None:
        return None
    if any(getattr(row, field) != value for field, value in owner.items()):
        raise ValidationError(SENT_BEFORE, code="sent_before")
    row.sent_before = True
    return row


def made_once(model, key, make: Callable[[], T], *, same=None, **owner) -> T:
    """``make()``'s row, or the row this ``key`` already made (see ``sent_before``), or
    the first of ``same`` (a queryset: the same content sent again by the same person)."""
    found = sent_before(model, key, **owner)
    if found is None and same is not None:
        found = same.first()
        if found is not None:
            found.sent_before = True
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        found = sent_before(model, key, **owner)
        if found is None:
            raise
        return found
