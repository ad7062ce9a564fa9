"""A record's form drawn at one moment and sent at another: the digest of the values it
was drawn with, and the refusal when the record has changed since (decision 0149).

The form compares first, against the record read for its request (a quick refusal with
the form's own message). The action compares again under the record's row lock, so two
saves at the same moment cannot both pass: the second waits for the first's lock, then
reads its values (decision 0152)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHANGED_MEANWHILE = _(
    "Someone else changed these details while you were editing. Nothing "
    "was saved; what you typed is still in the form. Check it against the "
    "saved details and save again."
)


class Drawn(NamedTuple):
    """What a form sent: the digest it was drawn with, over these fields."""

    digest: str
    fields: tuple[str, ...]


def digest(instance, fields) -> str:
    return digest_of({name: getattr(instance, name, "") for name in fields}, fields)


def digest_of(values: dict, fields) -> str:
    text = "\x1f".join(_text(values.get(name, "")) for name in fields)
    return hashlib.sha256(text.encode()).hexdigest()


def _text(value) -> str:
    """A number as its value: 40, 40.0 and 40.00 hours are one (a role's weekly hours
    read back from the column, and as sent again)."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value.normalize(), "f")
    return str(value)


def changed_since(now: str, drawn: str, sent: dict, fields) -> bool:
    """Whether the record (digest ``now``) changed since the form was drawn (``drawn``),
    by someone else: the same values sent twice (a double click, back and send again)
    find their own save, not a change to refuse."""
    return bool(drawn) and drawn != now and digest_of(sent, fields) != now


def refuse_if_changed(locked, drawn: Drawn | None, sent: dict) -> None:
    """``locked``: the record read under its row lock. A ValidationError
    (``changed_meanwhile``) when its values are not the ones the form was drawn with."""
    if drawn is not None and changed_since(
        digest(locked, drawn.fields), drawn.digest, sent, drawn.fields
    ):
        raise ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")


def rate_limits_digest(limits: dict | None) -> str:
    """A clinic's own rate limits as its rate limits page drew them."""
    return digest_of({"limits": json.dumps(limits or {}, sort_keys=True)}, ("limits",))


COSTS_FIELDS = ("per_therapist_hour", "fixed_per_month")


def costs_digest(costs) -> str:
    """A clinic's costs as its dashboard drew them (``costs``: its ClinicCosts, or None
    before any were entered)."""
    return digest(costs, COSTS_FIELDS) if costs is not None else digest_of({}, COSTS_FIELDS)


def translations_digest(translations: dict | None) -> str:
    """A programme draft's translations (every language's texts) as its translation page
    drew them."""
    text = json.dumps(translations or {}, sort_keys=True)
    return digest_of({"translations": text}, ("translations",))
