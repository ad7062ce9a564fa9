"""Querysets built and compiled to SQL once per process, then run with new values
(issue 16, decision 0044).

Building a queryset (``filter``, ``select_related``, ``order_by``) and compiling it to SQL
costs Django about 0.7 ms of CPU for a small read, five times what running the SQL and
reading its rows costs. A page that is requested all day with the same reads (the
patient home) pays that for every read of every request, though only the values (the
person's id, today's date) change. ``Prepared`` keeps the compiled SQL of a queryset
built once with placeholders (``Slot``) in place of the values, and runs it with the
values of the call, giving the rows the queryset would give (model instances with
their ``select_related`` objects, or ``values_list`` rows).

    _OWN = Prepared(lambda user_id: Episode.objects.filter(patient__user_id=user_id))
    episodes = _OWN(user.pk)

The builder is called with a ``Slot`` for each value (a list of slots for a list or
tuple, whose length is part of what is compiled: one compilation per length) and must
use them only as filter values, never in Python logic: the same SQL serves every call.
Values are prepared for the database by their Python type, as the matching model field
would (``int``, ``str``, ``bool``, ``date``, ``datetime``). The result is a list; the
queryset the builder returned is never evaluated itself.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Expression, F, Func, TextField
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

# The field whose ``get_db_prep_value`` prepares a value of this Python type (a datetime
# is also a date: checked first).
_FIELDS: list[tuple[type, models.Field]] = [
    (bool, models.BooleanField()),
    (int, models.IntegerField()),
    (str, models.TextField()),
    (dt.datetime, models.DateTimeField()),
    (dt.date, models.DateField()),
]


def _field_for(value) -> models.Field:
    for kind, field in _FIELDS:
        if isinstance(value, kind):
            return field
    raise TypeError(f"Prepared: no placeholder for a value of type {type(value).__name__}")


# psycopg prepares a statement after this many runs of it: never, for Django's own
# cursors (which cannot), only the compiled reads' ``_PreparingCursor`` (at once).
_NEVER_BY_COUNT = 2**31


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class _Sent:
        """What Django's query log reads of a cursor (``_query.query``): the statement
        with its values written in, as Django's own cursors show it; made only when
        asked (a log, a test counting queries)."""

        def __init__(self, connection, query, params):
            self.connection, self.sql, self.params = connection, query, params

        @property
        def query(self) -> bytes:
            return psycopg.ClientCursor(self.connection).mogrify(self.sql, self.params).encode()

    class _PreparingCursor(psycopg.Cursor):
        """Values bound on the server and the statement prepared at its first run."""

        _sent = None

        def execute(self, query, params=None, *, prepare=None, binary=None):
            self._sent = _Sent(self.connection, query, params)
            return super().execute(query, params, prepare=True, binary=binary)

        @property
        def _query(self):
            return self._sent

        @_query.setter
        def _query(self, value):
            pass  # psycopg's own record of the statement: Django reads ``_sent``

    return _PreparingCursor


class _Hole:
    """Where a value goes in the compiled parameters."""

    __slots__ = ("field", "index")

    def __init__(self, index: int, field: models.Field):
        self.index = index
        self.field = field


# Values the matching field gives to the database as they are (``TextField``, on every
# backend; not ``int``: PostgreSQL's backend gives it its column type, ``Int4``).
_AS_THEY_ARE = frozenset({str})


def _params(holes: list, flat: list, connection) -> list:
    """The compiled parameters with the call's values prepared for the database, each
    value once however often the SQL uses it (the patient home's episodes use the time
    three times and the person's id three times: about 5 µs each, issue 16)."""
    done: dict[int, Any] = {}
    params = []
    for p in holes:
        if type(p) is _Hole:
            index = p.index
            if index in done:
                p = done[index]
            else:
                value = flat[index]
                if type(value) not in _AS_THEY_ARE:
                    value = p.field.get_db_prep_value(value, connection)
                p = done[index] = value
        params.append(p)
    return params


class Slot(Expression):
    """A placeholder for the ``index``-th value of a call, compiled as a parameter."""

    def __init__(self, index: int, output_field: models.Field):
        super().__init__(output_field=output_field)
        self.index = index

    def __repr__(self) -> str:
        return f"Slot({self.index})"

    def as_sql(self, compiler, connection):
        return "%s", [_Hole(self.index, self.output_field)]


def slots_for(values) -> list:
    """A ``Slot`` for each value (a list of them for a list or tuple), numbered as the
    values are flattened: what a builder is called with (also by ``inbox.scoped``, which
    compares a builder's SQL with the access policy's)."""
    args: list[Any] = []
    index = 0
    for value in values:
        if isinstance(value, list | tuple):
            args.append([Slot(index + i, _field_for(item)) for i, item in enumerate(value)])
            index += len(value)
        else:
            args.append(Slot(index, _field_for(value)))
            index += 1
    return args


class Prepared:
    """A queryset compiled once per database connection alias, vendor and shape of the
    values (types, list lengths), run with the values of each call."""

    def __init__(self, build: Callable[..., models.QuerySet], using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled: dict[tuple, tuple[models.QuerySet, SQLCompiler | None, str, list]] = {}
        # The columns' converters of each compiled shape, for the connection object that
        # worked them out (they are bound to its operations): the same for every call.
        self._converters: dict[tuple, tuple[Any, dict, bool]] = {}
        # How the rows of each compiled shape become what the queryset gives, without the
        # queryset (``_FastPlan``), or None where only the queryset itself will do.
        self._fast: dict[tuple, _FastPlan | None] = {}

    def __call__(self, *values) -> list:
        connection = connections[self.using]
        flat: list[Any] = []
        shape: list[Any] = []
        for value in values:
            if isinstance(value, list | tuple):
                flat.extend(value)
                shape.append(tuple(type(item) for item in value))
            else:
                flat.append(value)
                shape.append(type(value))
        key = (connection.alias, connection.vendor, tuple(shape))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(values)
            self._compiled[key] = compiled
        queryset, compiler, sql, holes = compiled
        if compiler is None:
            return []  # the queryset selects nothing whatever the values (``none()``)
        params = _params(holes, flat, connection)
        # Worked out once, not on every call (``results_iter`` asks for them each time:
        # about a tenth of the page's CPU for the patient home's wide rows, issue 16).
        known = self._converters.get(key)
        if known is None or known[0] is not connection:
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            probe = copy.copy(compiler)
            probe.connection = connection
            known = (connection, probe.get_converters(fields), probe.has_composite_fields(fields))
            self._converters[key] = known
        _, converters, composite = known
        fast = self._fast.get(key, False)
        if fast is False:
            fast = self._fast[key] = _fast_plan(queryset, compiler, composite)
        if fast is not None:
            return fast.run(connection, sql, params, converters)
        # A copy for this call (its own connection and values); the set-up made by the
        # first compilation (the selected columns, the related objects' layout) is kept.
        run = copy.copy(compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        run.get_converters = lambda expressions: converters
        run.has_composite_fields = lambda expressions: composite
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: run
        return list(clone)

    def _compile(self, values) -> tuple[models.QuerySet, SQLCompiler | None, str, list]:
        from django.core.exceptions import EmptyResultSet

        queryset = self.build(*slots_for(values))
        compiler = queryset.query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return queryset, None, "", []
        if not sql:
            return queryset, None, "", []
        return queryset, compiler, sql, list(params)


class _FastPlan:
    """The rows of a plain read made into what its queryset gives (model instances with
    their ``select_related`` objects and annotations, or ``values_list`` tuples) as
    Django's ``ModelIterable`` and ``ValuesListIterable`` do, with the layout worked out
    once: no clone of the queryset, no chunked fetching (issue 16: about a third of a
    small read's CPU). Reads with anything more (prefetches, extra columns, known
    related objects, composite keys, other iterables) go through the queryset.

    The instances are made as ``Model.from_db`` makes them, without running
    ``Model.__init__`` over every field where that gives the same object
    (``_Maker``): about a third of a read's CPU was ``__init__`` (issue 16)."""

    __slots__ = ("annotations", "db", "end", "maker", "model", "related", "start")

    def __init__(self, queryset, compiler):
        self.db = queryset.db
        self.model = None
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            select_fields = klass_info["select_fields"]
            self.model = klass_info["model"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
            self.maker = _Maker(self.model, self.db, init_list)
            self.related = [
                _Related(p) for p in get_related_populators(klass_info, compiler.select, self.db)
            ]
            self.annotations = list((compiler.annotation_col_map or {}).items())

    def run(self, connection, sql, params, converters) -> list:
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:  # as ``SQLCompiler.apply_converters``
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in converters.items():
                    value = row[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[position] = value
        if self.model is None:
            return [tuple(row) for row in rows]
        found = []
        make, start, end = self.maker.for_this_run(), self.start, self.end
        related = [(r, r.for_this_run()) for r in self.related]
        annotations = self.annotations
        for row in rows:
            obj = make(row[start:end])
            for populator, made in related:
                populator.populate(row, obj, made)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


# The descriptors of a concrete field's value that keep what is set as it is set, in the
# instance's ``__dict__``: for a model whose fields all have one of these, setting the
# attributes through ``__init__`` or into ``__dict__`` gives the same object.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _plain_model(model) -> bool:
    """Whether ``model.from_db`` makes nothing more than ``_Maker.fast`` makes: Django's
    own ``__init__``, ``from_db`` and ``__setattr__`` (no class of the model or its
    mixins overrides them) and plain descriptors for every concrete field's value."""
    if model._meta.abstract or model._meta.is_composite_pk:
        return False
    for klass in model.__mro__:
        if klass is models.Model or klass is object:
            continue
        if {"__init__", "from_db", "__setattr__", "__new__"} & klass.__dict__.keys():
            return False
    for field in model._meta.concrete_fields:
        descriptor = next(
            (k.__dict__[field.attname] for k in model.__mro__ if field.attname in k.__dict__),
            None,
        )
        if type(descriptor) not in _PLAIN_DESCRIPTORS:
            return False
    return True


class _Maker:
    """Makes a model instance from its selected columns' values, as ``from_db`` does."""

    __slots__ = ("attnames", "db", "in_field_order", "model", "plain")

    def __init__(self, model, db: str, attnames: list[str]):
        self.model = model
        self.db = db
        self.attnames = attnames
        self.plain = _plain_model(model)
        # ``from_db`` takes some columns in the model's field order, and nothing else:
        # the positions of the given names that are columns, in that order (None when
        # they are all columns in that order already); any other name (an annotation
        # read beside them) is set on the instance afterwards.
        place = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        columns = sorted(
            (i for i, name in enumerate(attnames) if name in place),
            key=lambda i: place[attnames[i]],
        )
        self.in_field_order = None if columns == list(range(len(attnames))) else columns

    def for_this_run(self) -> Callable[[Any], models.Model]:
        """``fast`` unless a ``pre_init`` or ``post_init`` receiver would be told of the
        instance (asked at each run: a receiver may be connected at any time)."""
        if self.plain and not _told_of_init(self.model):
            return self.fast
        return self.slow

    def slow(self, values) -> models.Model:
        if self.in_field_order is None:
            return self.model.from_db(self.db, self.attnames, values)
        names = [self.attnames[i] for i in self.in_field_order]
        obj = self.model.from_db(self.db, names, [values[i] for i in self.in_field_order])
        extra = set(range(len(self.attnames))) - set(self.in_field_order)
        for i in sorted(extra):
            setattr(obj, self.attnames[i], values[i])
        return obj

    def fast(self, values) -> models.Model:
        """What ``from_db`` gives: the instance's state (from the database, not being
        added), then the selected fields' values as read (the others deferred)."""
        obj = _new_object(self.model)
        state = ModelState()
        state.db = self.db
        state.adding = False
        attributes = obj.__dict__
        attributes["_state"] = state
        attributes.update(zip(self.attnames, values, strict=True))
        return obj


_new_object = object.__new__


def _told_of_init(model) -> bool:
    """Whether a ``pre_init`` or ``post_init`` receiver would be told of an instance of
    the model (most often none is connected at all: then nothing more is asked)."""
    if not (pre_init.receivers or post_init.receivers):
        return False
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


_MAKERS: dict[tuple, _Maker] = {}


def from_db(model, db: str, attnames: list[str], values) -> models.Model:
    """``model.from_db(db, attnames, values)``: an instance of the values of some of
    its columns (the others deferred), made as the compiled reads make theirs (without
    ``Model.__init__`` where that gives the same object), for a read that selects a
    model's columns beside another's (the patient home's homework steps, the inbox's
    rows). The names in any order."""
    key = (model, db, tuple(attnames))
    maker = _MAKERS.get(key)
    if maker is None:
        maker = _MAKERS[key] = _Maker(model, db, list(attnames))
    return maker.for_this_run()(values)


class _Related:
    """Django's ``RelatedPopulator`` (a ``select_related`` object and its own), with its
    instances made by a ``_Maker``."""

    __slots__ = (
        "end",
        "local_setter",
        "maker",
        "pk_idx",
        "related",
        "remote_setter",
        "reorder_for_init",
        "start",
    )

    def __init__(self, populator):
        self.reorder_for_init = populator.reorder_for_init
        if self.reorder_for_init is None:
            self.start, self.end = populator.cols_start, populator.cols_end
        self.pk_idx = populator.pk_idx
        self.maker = _Maker(populator.model_cls, populator.db, populator.init_list)
        self.related = [_Related(p) for p in populator.related_populators]
        self.local_setter = populator.local_setter
        self.remote_setter = populator.remote_setter

    def for_this_run(self):
        return (self.maker.for_this_run(), [(r, r.for_this_run()) for r in self.related])

    def populate(self, row, from_obj, made) -> None:
        """As ``RelatedPopulator.populate``: ``made`` is ``for_this_run``'s answer."""
        make, related = made
        if self.reorder_for_init:
            values = self.reorder_for_init(row)
        else:
            values = row[self.start : self.end]
        if values[self.pk_idx] is None:
            obj = None
        else:
            obj = make(values)
            for populator, its_own in related:
                populator.populate(row, obj, its_own)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


def _cursor(connection):
    """A cursor for a compiled read: on PostgreSQL one whose statements are prepared on
    the server (decision 0060), so that the server parses and plans each read once per
    connection, not on every request; elsewhere Django's own. Either is Django's cursor
    wrapper (queries counted and logged as any other)."""
    if (
        connection.vendor != "postgresql"
        or not settings.TESSERA_PREPARED_STATEMENTS
        # A connection closed after each request would prepare every read again.
        or not connection.settings_dict.get("CONN_MAX_AGE")
    ):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's prepared statements off (its own cursors bind values
        # on the client and never prepare); only this cursor asks for them.
        raw.prepare_threshold = _NEVER_BY_COUNT
    factory = raw.cursor_factory
    raw.cursor_factory = _preparing_cursor_class()
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


def _fast_plan(queryset, compiler, composite: bool) -> _FastPlan | None:
    if (
        queryset._iterable_class not in (ModelIterable, ValuesListIterable)
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
        or compiler.has_extra_select
        or composite
        or compiler.query.combinator
    ):
        return None
    return _FastPlan(queryset, compiler)


# --- Another model's rows in the same read (decision 0076) ----------------------------


class JSONRows(Func):
    """The rows of a subquery, some columns of its model each, as one JSON text
    (NULL or ``[]`` when there are none; on PostgreSQL each row whole, an object by
    column name, elsewhere an array of the columns): a child model's rows
    read in the same query as their parent's, instead of a query of their own (about
    0.1 ms of CPU each, issue 16). ``rows_from_json`` makes them instances again.

        dues=Subquery(
            DueMeasure.objects.filter(episode_id=OuterRef("pk"))
            .order_by()
            .annotate(rows=JSONRows(DueMeasure, names))
            .values("rows")
        )

    Not an aggregate to Django (no GROUP BY is added): the subquery's rows are one group.
    PostgreSQL and SQLite only."""

    output_field = TextField()

    def __init__(self, model, attnames):
        self.model, self.attnames = model, list(attnames)
        super().__init__(*(F(name) for name in self.attnames))

    def as_sql(self, compiler, connection, **extra_context):
        from django.db import NotSupportedError

        raise NotSupportedError(f"JSONRows: not on {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        # The whole row, its columns by name: SQL shorter than naming each (psycopg
        # parses a statement over 4,096 characters again on every run, issue 16).
        (alias,) = {column.alias for column in self.get_source_expressions()}
        return f"JSON_AGG({compiler.quote_name_unless_alias(alias)})::text", []

    def as_sqlite(self, compiler, connection, **extra_context):
        # A JSON column is text to SQLite: ``JSON()`` puts its value in, not a string.
        fields = [self.model._meta.get_field(_field_name(self.model, n)) for n in self.attnames]
        copy_ = self.copy()
        copy_.set_source_expressions(
            [
                Func(expression, function="JSON")
                if field.get_internal_type() == "JSONField"
                else expression
                for expression, field in zip(copy_.get_source_expressions(), fields, strict=True)
            ]
        )
        return super(JSONRows, copy_).as_sql(
            compiler,
            connection,
            template="JSON_GROUP_ARRAY(JSON_ARRAY(%(expressions)s))",
            **extra_context,
        )


def _field_name(model, attname: str) -> str:
    return next(f.name for f in model._meta.concrete_fields if f.attname == attname)


def _json_datetime(value):
    """A timestamp as JSON gives it: PostgreSQL's ISO text with the connection's offset
    (UTC), SQLite's stored text in UTC without one; as Django reads the column."""
    if value is None:
        return None
    found = dt.datetime.fromisoformat(value)
    if found.tzinfo is None:
        return found.replace(tzinfo=dt.UTC) if settings.USE_TZ else found
    return found if found.tzinfo is dt.UTC else found.astimezone(dt.UTC)


def _json_date(value):
    return None if value is None else dt.date.fromisoformat(value)


def _json_bool(value):
    return None if value is None else bool(value)  # SQLite's 0 and 1


# How a column's value in JSON becomes what Django reads of the column, by the field's
# internal type; the others are refused (a type added here must be checked on both).
_FROM_JSON: dict[str, Callable | None] = {
    "AutoField": None,
    "BigAutoField": None,
    "IntegerField": None,
    "BigIntegerField": None,
    "SmallIntegerField": None,
    "PositiveIntegerField": None,
    "PositiveSmallIntegerField": None,
    "PositiveBigIntegerField": None,
    "CharField": None,
    "TextField": None,
    "SlugField": None,
    "DateTimeField": _json_datetime,
    "DateField": _json_date,
    "BooleanField": _json_bool,
    "JSONField": None,  # the value itself, decoded with the rest
}


@functools.cache
def _json_converters(model, attnames: tuple[str, ...]) -> tuple:
    found = []
    for name in attnames:
        field = model._meta.get_field(_field_name(model, name))
        if field.is_relation:
            field = field.target_field
        kind = field.get_internal_type()
        custom = "from_db_value" in type(field).__dict__ and kind != "JSONField"
        if kind not in _FROM_JSON or custom or getattr(field, "decoder", None) is not None:
            raise TypeError(f"JSONRows: no reading of {model.__name__}.{name} ({kind})")
        found.append(_FROM_JSON[kind])
    return tuple(found)


@functools.cache
def _columns_of(model, attnames: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(model._meta.get_field(_field_name(model, name)).column for name in attnames)


def rows_from_json(model, db: str, attnames, text) -> list:
    """The instances of ``JSONRows(model, attnames)``'s text (None: none), made as the
    compiled reads make theirs (``from_db``): the same values as a read of the columns."""
    if not text:
        return []
    attnames = tuple(attnames)
    converters = _json_converters(model, attnames)
    found = []
    for values in json.loads(text):
        if isinstance(values, dict):  # PostgreSQL's whole row
            values = [values[column] for column in _columns_of(model, attnames)]
        for i, convert in enumerate(converters):
            if convert is not None:
                values[i] = convert(values[i])
        found.append(from_db(model, db, attnames, values))
    return found
