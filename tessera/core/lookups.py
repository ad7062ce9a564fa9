"""Integers past 64 bits in the lookups Django leaves unguarded (registered in
``CoreConfig.ready``).

No key or count is larger than a signed 64-bit integer, and SQLite cannot even bind one
that is (an OverflowError, a 500). Django answers ``=``, ``<``, ``<=``, ``>``, ``>=`` on
an integer field with such a number itself (``IntegerFieldOverflow``), but not ``__in``
(a form's multiple choice: ``pk__in``), ``__range``, nor any lookup on a foreign key
(``patient_id=``, ``patient_id__in``, ``patient_id__gt``), nor ``__regex``/``__iexact``.
These answer as the comparison would with numbers of any size, on every database
(decision 0061): a value no column can hold equals no row; ``column > 2**64`` matches
no row and ``column < 2**64`` every row that has a value (``IS NOT NULL``); a range is
cut to the 64-bit one. The path converter ``<id:…>`` keeps such numbers out of the
paths (tessera.core.converters)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import IExact, In, IRegex, Range, Regex

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


class _Compared:
    """``x = v``, ``x < v``…: with ``v`` past 64 bits, what the comparison means for
    every 64-bit ``x`` (each one is below ``v``, or each one above it)."""

    # Whether every value of the column matches when ``v`` is above the largest (below
    # the smallest): ``x < 2**64`` is true of every x, ``x > 2**64`` of none.
    all_below_match = False
    all_above_match = False

    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value() and not _key_sized(self.rhs):
            matches = self.all_below_match if self.rhs > LARGEST else self.all_above_match
            if not matches:
                raise EmptyResultSet
            lhs, params = self.process_lhs(compiler, connection)
            return f"{lhs} IS NOT NULL", params
        return super().as_sql(compiler, connection)


class KeySizedRelatedExact(_Compared, RelatedExact):
    pass


class KeySizedRelatedLessThan(_Compared, RelatedLessThan):
    all_below_match = True


class KeySizedRelatedLessThanOrEqual(_Compared, RelatedLessThanOrEqual):
    all_below_match = True


class KeySizedRelatedGreaterThan(_Compared, RelatedGreaterThan):
    all_above_match = True


class KeySizedRelatedGreaterThanOrEqual(_Compared, RelatedGreaterThanOrEqual):
    all_above_match = True


class KeySizedRange(Range):
    """``x BETWEEN a AND b``: cut to the 64-bit range (nothing when it lies outside)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not all(_key_sized(v) for v in self.rhs):
            low, high = self.rhs
            if isinstance(low, int) and low > LARGEST or isinstance(high, int) and high < SMALLEST:
                raise EmptyResultSet
            low = max(low, SMALLEST) if isinstance(low, int) else low
            high = min(high, LARGEST) if isinstance(high, int) else high
            self.rhs = (low, high)
        return super().process_rhs(compiler, connection)


class _PatternAsText:
    """``x REGEXP v``, ``x ILIKE v``: compared as text, a number given as its digits
    (SQLite binds one past 64 bits as an integer, an OverflowError, and its REGEXP takes
    no number; PostgreSQL has no UPPER of a number)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, int):
            self.rhs = str(self.rhs)
        return super().process_rhs(compiler, connection)


class KeySizedRegex(_PatternAsText, Regex):
    pass


class KeySizedIRegex(_PatternAsText, IRegex):
    pass


class KeySizedIExact(_PatternAsText, IExact):
    pass


def register() -> None:
    for lookup in (KeySizedIn, KeySizedRange, KeySizedRegex, KeySizedIRegex, KeySizedIExact):
        IntegerField.register_lookup(lookup)
    for lookup in (
        KeySizedRelatedIn,
        KeySizedRelatedExact,
        KeySizedRelatedLessThan,
        KeySizedRelatedLessThanOrEqual,
        KeySizedRelatedGreaterThan,
        KeySizedRelatedGreaterThanOrEqual,
        KeySizedRange,
    ):
        ForeignKey.register_lookup(lookup)
