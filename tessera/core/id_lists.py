"""A filter on a list of ids sent to PostgreSQL as one array, not one parameter per id
(issue 16, decision 0045).

``qs.filter(episode__in=ids)`` with a caseload of a few hundred episodes writes a
placeholder per id: Django prepares every value, the query text is long and different
for every caseload (so the driver parses it afresh on every request, never from its
cache), and a team's staff home spent about a third of its CPU on that. ``in_ids``
writes ``"episode_id" = ANY(%s)`` with the ids as one array: the same plan (one index
descent per id, sorted), a short query text that is the same for every caseload. Other
databases (SQLite in the tests) get the plain ``IN (…)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """``field IN ids`` as a boolean expression for ``filter()``."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int]):
        super().__init__()
        self.column = F(field)
        self.ids = sorted({int(pk) for pk in ids})

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", ()
        marks = ", ".join(["%s"] * len(self.ids))
        return f"{column} IN ({marks})", (*params, *self.ids)

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        # Every primary key is a bigint (DEFAULT_AUTO_FIELD).
        return f"{column} = ANY(%s::bigint[])", (*params, self.ids)


def in_ids(field: str, ids: Iterable[int]) -> InIds:
    """A filter: ``qs.filter(in_ids("episode", caseload))``."""
    return InIds(field, ids)
