"""Keys past 64 bits in the lookups Django leaves unguarded (registered in
``CoreConfig.ready``).

No key is larger than a signed 64-bit integer, and SQLite cannot even bind one that is
(an OverflowError, a 500). Django answers ``pk=`` and ``pk__gt=`` with such a number as
no row (``IntegerFieldOverflow``), but not ``__in`` (a form's multiple choice:
``pk__in``) nor a foreign key (``patient_id=``, ``patient_id__in``). These do the same
here: a value no key can hold matches no row, on every database. The path converter
``<id:…>`` keeps such numbers out of the paths (tessera.core.converters)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In

SMALLEST, LARGEST = -(2**63), 2**63 - 1


def _key_sized(value) -> bool:
    return not isinstance(value, int) or SMALLEST <= value <= LARGEST


class _DropsOversized:
    """``x IN (…)``: a value no key can hold is left out (it matches no row)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            values = list(self.rhs)
            if not all(_key_sized(value) for value in values):
                self.rhs = [value for value in values if _key_sized(value)]
        return super().process_rhs(compiler, connection)


class KeySizedIn(_DropsOversized, In):
    pass


class KeySizedRelatedIn(_DropsOversized, RelatedIn):
    pass


class KeySizedRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _key_sized(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(KeySizedIn)
    ForeignKey.register_lookup(KeySizedRelatedIn)
    ForeignKey.register_lookup(KeySizedRelatedExact)
