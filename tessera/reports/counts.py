"""The dashboard's counts per clinic (``models.DashboardCount``), kept by database
triggers on the rows they count, and rebuilt from scratch by ``rebuild()`` (decision 0043).

Each figure below says which rows of one table it counts (``cond``), under which clinic,
day and key, and what it adds up. The triggers (made by the migration with
``trigger_sql``) take a changed row's contribution away (its old values) and add its
new one, with one ``INSERT ... ON CONFLICT DO UPDATE`` each, on every way of writing the
rows (the ORM, bulk inserts, COPY, raw SQL). ``rebuild()`` groups the same expressions
over the whole tables, so a test compares the two.

Days are the clinic's own calendar (``Clinic.time_zone``, decision 0049; decision 0116):
each timestamp's day is read in the zone of the clinic the row is counted under (a
subquery on the clinic by its key), so a Scottish clinic's application at 23:30 on a
quarter's last day stays in that quarter. A change of a clinic's ``time_zone`` re-counts
that clinic's dated figures (a trigger on ``core_clinic``). Until reports 0013 the days
were the server's zone (``settings.TIME_ZONE``, decision 0043): ``figures(vendor, tz)``
still makes those, for that migration's way back. Figures that are not per day use the
day ``ALL_TIME``. Rows that went back to 0 stay (readers skip them).

On SQLite the triggers call ``django_datetime_cast_date``, which Django registers on its
own connections only: another tool's connection can read the counted tables, but its
writes to them fail with "no such function" (decision 0043).

On SQLite a later migration that rebuilds one of the counted tables (intake_application,
intake_referral, reports_episodeoutcome) or the clinics (core_clinic, whose trigger
re-counts a clinic whose zone changed) drops its triggers; it must make them again
(``drop_triggers`` then ``create_triggers``). The rebuild tests catch that.
"""

# The SQL is built from this module's own constants only (table, column and figure names).
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db import transaction

TABLE = "reports_dashboardcount"
ALL_TIME = dt.date(1900, 1, 1)
VALUE_COLUMNS = (
    "n",
    "professional",
    "finished",
    "recovered",
    "improved",
    "swedish_finished",
    "seconds",
    "weeks",
    "modules",
    "dropped",
    "dropped_weeks",
    "dropped_weeks_n",
)
# The reasons' key is the trimmed text cut at this length (a longer reason groups with
# those of the same first characters).
REASON_LENGTH = 200


def _if(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class Figure:
    name: str
    table: str  # the table whose rows are counted ({R})
    cond: str
    clinic: str
    day: str
    key: str
    values: dict = field(default_factory=dict)  # column -> expression (n is always 1)
    columns: tuple[str, ...] = ()  # the row's columns it reads (an update re-counts)
    join: str = ""  # another table read beside the row ("t alias")
    join_on: str = ""
    rebuilt: bool = True  # False: a second trigger of a figure rebuilt from another table
    dated: bool = False  # its day or key reads a timestamp's day (the clinic's calendar)


class _Dialect:
    def __init__(self, vendor: str, tz: str | None) -> None:
        self.vendor, self.tz = vendor, tz

    def _zone(self, clinic: str) -> str:
        """The zone days are read in: the clinic's (``clinic``: the expression of its
        key), or the fixed ``tz`` of the triggers before reports 0013."""
        if self.tz is not None:
            return f"'{self.tz}'"
        return f"(SELECT z.time_zone FROM core_clinic z WHERE z.id = {clinic})"

    def date(self, column: str, clinic: str) -> str:
        """The day of a timestamp on the calendar of the clinic it is counted under."""
        if self.vendor == "postgresql":
            return f"(({column}) AT TIME ZONE {self._zone(clinic)})::date"
        return f"django_datetime_cast_date({column}, {self._zone(clinic)}, 'UTC')"

    def quarter(self, day: str) -> str:
        if self.vendor == "postgresql":
            return f"date_trunc('quarter', {day})::date"
        return (
            f"date({day}, 'start of month', '-' ||"
            f" ((CAST(strftime('%m', {day}) AS INTEGER) - 1) % 3) || ' months')"
        )

    def days_between(self, first: str, then: str, clinic: str) -> str:
        then, first = self.date(then, clinic), self.date(first, clinic)
        if self.vendor == "postgresql":
            return f"GREATEST(0, {then} - {first})"
        return f"MAX(0, CAST(julianday({then}) - julianday({first}) AS INTEGER))"

    def all_time(self) -> str:
        day = ALL_TIME.isoformat()
        return f"DATE '{day}'" if self.vendor == "postgresql" else f"'{day}'"


def _counted(row: str) -> str:
    """An application the dashboard counts (as ``dashboard._applications``)."""
    return f"{row}.submitted_at IS NOT NULL AND {row}.status NOT IN ('draft', 'duplicate')"


APPLICATION_COLUMNS = ("clinic_id", "submitted_at", "status")


def figures(vendor: str, tz: str | None = None) -> list[Figure]:
    """The figures, their days on each clinic's calendar (``tz``: on that one zone's,
    as before reports 0013)."""
    d = _Dialect(vendor, tz)
    app = "intake_application"
    out = "reports_episodeoutcome"
    ended = "{R}.ended_on IS NOT NULL"
    found = [
        # Applications per day (weeks, quarters), and those from professionals.
        Figure(
            "applied",
            app,
            _counted("{R}"),
            "{R}.clinic_id",
            d.date("{R}.submitted_at", "{R}.clinic_id"),
            "''",
            {"professional": _if("{R}.source = 'professional'")},
            (*APPLICATION_COLUMNS, "source"),
            dated=True,
        ),
        # Route and status of every application (referral mix, decisions): "source:status".
        Figure(
            "route",
            app,
            _counted("{R}"),
            "{R}.clinic_id",
            d.all_time(),
            "{R}.source || ':' || {R}.status",
            {},
            (*APPLICATION_COLUMNS, "source"),
        ),
        # Days from application to assessment, and from assessment to start (the key).
        Figure(
            "wait_assessment",
            app,
            _counted("{R}") + " AND {R}.assessed_at IS NOT NULL",
            "{R}.clinic_id",
            d.all_time(),
            "CAST("
            + d.days_between("{R}.submitted_at", "{R}.assessed_at", "{R}.clinic_id")
            + " AS TEXT)",
            {},
            (*APPLICATION_COLUMNS, "assessed_at"),
            dated=True,
        ),
        Figure(
            "wait_start",
            app,
            _counted("{R}") + " AND {R}.assessed_at IS NOT NULL AND {R}.started_at IS NOT NULL",
            "{R}.clinic_id",
            d.all_time(),
            "CAST("
            + d.days_between("{R}.assessed_at", "{R}.started_at", "{R}.clinic_id")
            + " AS TEXT)",
            {},
            (*APPLICATION_COLUMNS, "assessed_at", "started_at"),
            dated=True,
        ),
        # Referrals from professionals per quarter of their application and practice:
        # kept from both tables (a referral written, or its application changed).
        Figure(
            "gp",
            "intake_referral",
            _counted("a"),
            "a.clinic_id",
            d.quarter(d.date("a.submitted_at", "a.clinic_id")),
            "{R}.organisation",
            {},
            ("application_id", "organisation"),
            join="intake_application a",
            join_on="a.id = {R}.application_id",
            dated=True,
        ),
        Figure(
            "gp",
            app,
            _counted("{R}"),
            "{R}.clinic_id",
            d.quarter(d.date("{R}.submitted_at", "{R}.clinic_id")),
            "r.organisation",
            {},
            APPLICATION_COLUMNS,
            join="intake_referral r",
            join_on="r.application_id = {R}.id",
            rebuilt=False,
        ),
        # Courses per day they ended: finished, recovered, time and weeks.
        Figure(
            "ended",
            out,
            ended,
            "{R}.clinic_id",
            "{R}.ended_on",
            "''",
            {
                "finished": _if("{R}.finished"),
                "recovered": _if("{R}.recovered"),
                # (set only on finished courses: outcome_table._rule_values)
                "improved": _if("{R}.substantially_improved"),
                "swedish_finished": _if("{R}.finished AND {R}.outcome_rule = 'swedish'"),
                "seconds": "{R}.therapist_seconds",
                "weeks": "COALESCE({R}.weeks_in_treatment, 0)",
            },
            (
                "clinic_id",
                "ended_on",
                "finished",
                "recovered",
                "substantially_improved",
                "outcome_rule",
                "therapist_seconds",
                "weeks_in_treatment",
            ),
        ),
        Figure(
            "started",
            out,
            "{R}.started_on IS NOT NULL",
            "{R}.clinic_id",
            "{R}.started_on",
            "''",
            {},
            ("clinic_id", "started_on"),
        ),
        # Courses that ended, per programme: modules, finished, dropped out and when.
        Figure(
            "programme",
            out,
            ended,
            "{R}.clinic_id",
            d.all_time(),
            "{R}.programme_key",
            {
                "finished": _if("{R}.finished"),
                "modules": "{R}.modules_completed",
                "dropped": _if("{R}.end_reason = 'dropped_out'"),
                "dropped_weeks": "CASE WHEN {R}.end_reason = 'dropped_out'"
                " THEN COALESCE({R}.weeks_in_treatment, 0) ELSE 0 END",
                "dropped_weeks_n": _if(
                    "{R}.end_reason = 'dropped_out' AND {R}.weeks_in_treatment IS NOT NULL"
                ),
            },
            (
                "clinic_id",
                "ended_on",
                "programme_key",
                "finished",
                "modules_completed",
                "end_reason",
                "weeks_in_treatment",
            ),
        ),
        # Every course by the postcode area of the patient.
        Figure(
            "area",
            out,
            "TRUE",
            "{R}.clinic_id",
            d.all_time(),
            "{R}.area",
            {},
            ("clinic_id", "area"),
        ),
    ]
    # Declined and referred elsewhere, by the reason written (trimmed).
    for status in ("declined", "redirected"):
        found.append(
            Figure(
                f"reason_{status}",
                app,
                _counted("{R}") + f" AND {{R}}.status = '{status}'",
                "{R}.clinic_id",
                d.all_time(),
                f"substr(trim({{R}}.decision_reason), 1, {REASON_LENGTH})",
                {},
                (*APPLICATION_COLUMNS, "decision_reason"),
            )
        )
    return found


def _select(figure: Figure, row: str, sign: int) -> str:
    """The SELECT of one row's contribution (``row``: NEW or OLD), times ``sign``."""
    values = {"n": "1", **figure.values}
    parts = [
        figure.clinic.format(R=row),
        f"'{figure.name}'",
        figure.day.format(R=row),
        figure.key.format(R=row),
        *(f"{sign} * ({values[c]})".format(R=row) if c in values else "0" for c in VALUE_COLUMNS),
    ]
    where = figure.cond.format(R=row)
    source = ""
    if figure.join:
        source = f" FROM {figure.join}"
        where = f"{figure.join_on.format(R=row)} AND {where}"
    return f"SELECT {', '.join(parts)}{source} WHERE {where}"


_INSERT = f"INSERT INTO {TABLE} (clinic_id, figure, day, key, {', '.join(VALUE_COLUMNS)}) "
_UPSERT = " ON CONFLICT (clinic_id, figure, day, key) DO UPDATE SET " + ", ".join(
    f"{c} = {TABLE}.{c} + excluded.{c}" for c in VALUE_COLUMNS
)


def _add(figure: Figure, row: str, sign: int) -> str:
    return _INSERT + _select(figure, row, sign) + _UPSERT + ";"


def _trigger_name(figure: Figure) -> str:
    return f"reports_count_{figure.name}_{figure.table.split('_', 1)[1]}"


CLINIC_TRIGGER = "reports_count_clinic_zone"


def trigger_sql(vendor: str, tz: str | None = None) -> tuple[list[str], list[str]]:
    """(statements that make the triggers, statements that drop them); ``tz``: the days
    on that one zone's calendar, with no trigger on the clinics (before reports 0013)."""
    make, drop = [], []
    for figure in figures(vendor, tz):
        name = _trigger_name(figure)
        old, new = _add(figure, "OLD", -1), _add(figure, "NEW", 1)
        changed = " OR ".join(
            f"OLD.{c} IS {'DISTINCT FROM' if vendor == 'postgresql' else 'NOT'} NEW.{c}"
            for c in figure.columns
        )
        if vendor == "postgresql":
            make += [
                f"""CREATE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') THEN {new} END IF;
                  RETURN NULL;
                END; $$ LANGUAGE plpgsql;""",
                f"""CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {figure.table}
                FOR EACH ROW EXECUTE FUNCTION {name}();""",
                f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {figure.table}
                FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}();""",
            ]
            drop += [
                f"DROP TRIGGER IF EXISTS {name} ON {figure.table};",
                f"DROP TRIGGER IF EXISTS {name}_update ON {figure.table};",
                f"DROP FUNCTION IF EXISTS {name}();",
            ]
        else:
            old, new = old.replace("TRUE", "1"), new.replace("TRUE", "1")
            make += [
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {figure.table} BEGIN {new} END;",
                f"CREATE TRIGGER {name}_delete AFTER DELETE ON {figure.table} BEGIN {old} END;",
                f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {figure.table}
                WHEN {changed} BEGIN {old} {new} END;""",
            ]
            drop += [f"DROP TRIGGER IF EXISTS {name}_{op};" for op in ("insert", "delete")]
            drop.append(f"DROP TRIGGER IF EXISTS {name}_update;")
    # A clinic whose time zone changed: its dated figures counted again on its new calendar.
    recount = " ".join(
        sql + ";"
        for figure in figures(vendor)
        if figure.dated and figure.rebuilt
        for sql in _recount(figure, vendor, "NEW.id")
    )
    if vendor == "postgresql":
        if tz is None:
            make += [
                f"""CREATE FUNCTION {CLINIC_TRIGGER}() RETURNS trigger AS $$
                BEGIN {recount} RETURN NULL; END; $$ LANGUAGE plpgsql;""",
                f"""CREATE TRIGGER {CLINIC_TRIGGER} AFTER UPDATE ON core_clinic FOR EACH ROW
                WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
                EXECUTE FUNCTION {CLINIC_TRIGGER}();""",
            ]
        drop += [
            f"DROP TRIGGER IF EXISTS {CLINIC_TRIGGER} ON core_clinic;",
            f"DROP FUNCTION IF EXISTS {CLINIC_TRIGGER}();",
        ]
    else:
        if tz is None:
            make.append(
                f"""CREATE TRIGGER {CLINIC_TRIGGER} AFTER UPDATE ON core_clinic
                WHEN OLD.time_zone IS NOT NEW.time_zone BEGIN {recount} END;"""
            )
        drop.append(f"DROP TRIGGER IF EXISTS {CLINIC_TRIGGER};")
    return make, drop


def create_triggers(connection=None, tz: str | None = None) -> None:
    connection = connection or default_connection
    statements = trigger_sql(connection.vendor, tz)[0]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in trigger_sql(connection.vendor)[1]:
            cursor.execute(sql)


def _recount(figure: Figure, vendor: str, clinic: str | None = None) -> list[str]:
    """A figure's counts from scratch (``clinic``: of that clinic's key only)."""
    values = {"n": "1", **figure.values}
    parts = [
        figure.clinic.format(R="R"),
        f"'{figure.name}'",
        figure.day.format(R="R"),
        figure.key.format(R="R"),
        *(f"SUM({values[c]})".format(R="R") if c in values else "0" for c in VALUE_COLUMNS),
    ]
    source = f"{figure.table} R"
    where = figure.cond.format(R="R")
    if figure.join:
        source += f", {figure.join}"
        where = f"{figure.join_on.format(R='R')} AND {where}"
    if vendor != "postgresql":
        where = where.replace("TRUE", "1")
    select = _INSERT + f"SELECT {', '.join(parts)} FROM {source} WHERE {where}"
    if clinic is None:
        return [select + " GROUP BY 1, 3, 4"]
    return [
        f"DELETE FROM {TABLE} WHERE clinic_id = {clinic} AND figure = '{figure.name}'",
        select + f" AND {figure.clinic.format(R='R')} = {clinic} GROUP BY 1, 3, 4",
    ]


def rebuild_sql(vendor: str, tz: str | None = None) -> list[str]:
    """Every count from scratch: the figures' expressions grouped over the tables."""
    statements = [f"DELETE FROM {TABLE}"]
    for figure in figures(vendor, tz):
        if figure.rebuilt:
            statements += _recount(figure, vendor)
    return statements


def rebuild(connection=None, tz: str | None = None) -> None:
    """Every clinic's counts from the rows, in one transaction (``manage.py
    rebuild_outcomes`` and the test that the triggers keep them right)."""
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for sql in rebuild_sql(connection.vendor, tz):
            cursor.execute(sql)
