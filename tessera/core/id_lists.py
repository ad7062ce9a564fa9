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

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Expression, F, Q


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
        return f"{column} = ANY(%s::bigint[])", (*params, self.array)

    @property
    def array(self) -> str:
        """The ids as PostgreSQL's text of an array (the driver sends text as it is;
        adapting a list checks every element)."""
        return "{" + ",".join(map(str, self.ids)) + "}"


def in_ids(field: str, ids: Iterable[int]) -> InIds:
    """A filter: ``qs.filter(in_ids("episode", caseload))``."""
    return InIds(field, ids)


class AmongIds(InIds):
    """``field IN ids`` that only filters the rows another condition reads: on
    PostgreSQL written ``field + 0 = ANY(…)``, which no index's key matches, so the
    planner cannot make it one index descent per id (a level deeper as the country
    grows) nor AND it with another index (decision 0069)."""

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"({column} + 0) = ANY(%s::bigint[])", (*params, self.array)


def among_ids(field: str, ids: Iterable[int]) -> AmongIds:
    """A filter: ``qs.filter(in_ids("clinic", clinics), among_ids("episode", caseload))``:
    the clinics' range read, the caseload's ids only filtering it."""
    return AmongIds(field, ids)


# A query whose only changing values are one list of ids, built by the ORM once per
# process and then run with the next list (decision 0045). Building a query with windows
# and subqueries cost the inbox several milliseconds of CPU each time, the same SQL every
# time; on PostgreSQL the list is one parameter, so the SQL text is the same for every
# caseload and only that parameter changes.
_MARKER_IDS = (-1,)  # no row has this id
_MARKER_CLINICS = (-2,)  # nor this one (the second list: clinics)
_compiled: dict[str, tuple[str, tuple]] = {}


_MARKER_MOMENT = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)  # no real moment


def rows_for_ids(
    key: str, build, ids, now: dt.datetime | None = None, *, clinics=None
) -> list[tuple]:
    """``list(build(ids))`` (or ``build(ids, now)`` when ``now`` is given; with
    ``clinics``, a second list of ids, ``build(ids, clinics[, now])``) for ``build``
    returning a ``values_list`` queryset (plain tuples, no converters needed: ints,
    text, datetimes) whose every id list is the one given, as ``in_ids``, and whose
    every moment is ``now``. ``key`` names the query (one per ``build``). Other
    databases (SQLite) build the query every time."""
    lists = (ids,) if clinics is None else (ids, clinics)
    if connection.vendor != "postgresql":
        return list(build(*lists) if now is None else build(*lists, now))
    compiled = _compiled.get(key)
    if compiled is None:
        markers = (_MARKER_IDS,) if clinics is None else (_MARKER_IDS, _MARKER_CLINICS)
        query = build(*markers) if now is None else build(*markers, _MARKER_MOMENT)
        sql, params = query.query.sql_with_params()
        compiled = _compiled[key] = (sql, tuple(params))
    sql, params = compiled
    marker = InIds("id", _MARKER_IDS).array
    values = {marker: InIds("id", ids).array, _MARKER_MOMENT: now}
    if clinics is not None:
        values[InIds("id", _MARKER_CLINICS).array] = InIds("id", clinics).array
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(values.get(p, p) if _hashable(p) else p for p in params))
        return cursor.fetchall()


def _hashable(value) -> bool:
    return isinstance(value, str | int | float | dt.datetime | dt.date | bool | type(None))


def id_runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """The ids as runs of consecutive ids, (first, last) each, in order:
    ``[3, 4, 5, 9]`` is ``[(3, 5), (9, 9)]``."""
    runs: list[list[int]] = []
    for pk in sorted({int(pk) for pk in ids}):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return [(first, last) for first, last in runs]


def in_id_runs(field: str, ids: Iterable[int]) -> Q:
    """A filter ``field IN ids`` written as one range per run of consecutive ids
    (``field BETWEEN first AND last``, OR-ed): rows made together (a plan's entries)
    have consecutive ids, and every id of a run is one of ``ids``, so each run is one
    index descent and the range the rows lie in, where ``IN`` (or ``= ANY``) descends
    the index once per id, a level deeper as the table grows (issue 16, decision 0083).
    Nothing matches an empty list."""
    runs = id_runs(ids)
    if not runs:
        return Q(**{f"{field}__in": []})
    found = Q()
    for first, last in runs:
        found |= Q(**{field: first}) if first == last else Q(**{f"{field}__range": (first, last)})
    return found
