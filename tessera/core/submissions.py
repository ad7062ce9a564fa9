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

Two requests at the same instant with fresh keys (two tabs, a retry racing the first
send) would both find no ``same`` row and both insert. So the check and the insert run
under a lock named by ``lock`` (the person and the thing: "concern:<user>:<episode>"):
on PostgreSQL a transaction-scoped advisory lock (``pg_advisory_xact_lock``), held until
the caller's transaction commits, so the second request sees the first one's row;
SQLite serialises writers already (decision 0070).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

REPEAT_WINDOW = dt.timedelta(minutes=10)
SENT_BEFORE = _("This form was already sent. Open the page again to send another.")


# A move ("Move up", "Move down", numbers for the order) says where things were, not
# where they go: sent twice (a double click, back and send again, a tab left open while
# someone else moved them) it moved twice. Such a form carries the digest of the order
# it was drawn with (``order_digest`` of the rows' ids in order); the action compares it
# with the order as it is, under its lock, and a different one changes nothing.
ORDER_CHANGED = _(
    "the order is no longer the one this page showed (the move was already made, or the "
    "order was changed elsewhere). The page shows the order as it is now."
)


def order_digest(ids) -> str:
    """The digest of a list's order: its rows' ids, in that order."""
    return hashlib.blake2b(",".join(str(i) for i in ids).encode(), digest_size=16).hexdigest()


def check_order(drawn: str | None, ids) -> None:
    """A ValidationError (``order_changed``) when the form was drawn with another order
    than ``ids``; a form without a digest (``None``) is not checked."""
    if drawn is not None and drawn != order_digest(ids):
        raise ValidationError(ORDER_CHANGED, code="order_changed")


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


def serialise(name: str) -> None:
    """Wait for, and hold until this transaction ends, the lock called ``name`` (on
    PostgreSQL; other databases serialise writers themselves). Call inside a transaction."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def made_once(
    model, key, make: Callable[[], T], *, same=None, lock: str | None = None, **owner
) -> T:
    """``make()``'s row, or the row this ``key`` already made (see ``sent_before``), or
    the first of ``same`` (a queryset: the same content sent again by the same person).
    ``lock`` names what the ``same`` check is serialised on (see ``serialise``)."""
    if lock is None or same is None:
        return _made_once(model, key, make, same, owner)
    with transaction.atomic():
        serialise(f"{model._meta.label_lower}:{lock}")
        return _made_once(model, key, make, same, owner)


def _made_once(model, key, make, same, owner):
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
