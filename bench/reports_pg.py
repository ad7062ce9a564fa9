"""The region-wide outcome report over a million episodes on PostgreSQL, against a
hand-written SQL aggregate over the same table in the same run, and against the
report's previous query.

    python bench/reports_pg.py                       # 1,000,000 episodes, 20 clinics
    python bench/reports_pg.py --episodes 100000 --repeat 3

Needs PostgreSQL (``--database-url``, default a database ``tessera_reports_bench`` on
127.0.0.1, dropped, created and migrated afresh). The outcome table
(``reports_episodeoutcome``) is filled with ``INSERT ... SELECT generate_series`` in one
statement: seeded pseudo-random scores, end reasons and labels, and courses opened in
the order they are inserted over three years (2024-2026, a few days' jitter), as a
service's courses arrive, so that a period's courses lie together in the table. Its
foreign keys to episodes and users are dropped in this database first, so that no
million patients and episodes need to be made: the reports read this table only (the
responses are read when a row is refreshed, never by a report page), which is also why
no responses are generated here. Then ``VACUUM ANALYZE``, as autovacuum would.

Two periods, the year 2025 and its last quarter, each timed alternately, best of
``--repeat``:

  before    the report's previous query: one aggregate over the courses that started or
            ended in the period, every figure's period in its own filter, with the
            indexes of reports 0009 dropped (in a transaction rolled back afterwards);
  report    ``figures.by_clinic`` (the region page: the courses that ended in the period
            with every figure, and a count of those that started), the ORM, the
            referrals and ``build()`` included;
  its SQL   the report's own two generated queries through a cursor;
  SQL       the same two written by hand (COUNT ... FILTER, SUM, AVG).

It prints the table, the ratios (report / SQL: target at most 1.5; the report at most
2 s) and the pages each reads (shared buffers hit + read, EXPLAIN (ANALYZE, BUFFERS)),
then checks that every figure of every clinic is the same in the previous query, the
report's queries and the hand-written SQL, and the report's counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_reports_bench"

# The outcome row's recorded time (decision 0039) has no database default; the fills
# leave it 0.
SECONDS_DEFAULT = "ALTER TABLE reports_episodeoutcome ALTER COLUMN therapist_seconds SET DEFAULT 0"
FILL = """
INSERT INTO reports_episodeoutcome (
  episode_id, clinic_id, therapist_id, status, care_model, programme_key, problem_area,
  referral_source, area, opened_on, started_on, ended_on, end_reason, weeks_in_treatment,
  dep_instrument, dep_first, dep_last, anx_instrument, anx_first, anx_last,
  attended_contacts, sessions_attended, modules_completed, finished, caseness_start,
  recovered, reliable_improvement, reliable_deterioration, reliable_recovery,
  risk_flagged, outcome_rule, rule_fell_back, primary_instrument, refreshed_at)
SELECT g, %(first_clinic)s + (g %% %(clinics)s), NULL, 'ended', 'guided', '', 'depression',
  'self', (100 + g %% 40)::text, d, d, d + 7 * w, r, w,
  'PHQ-9', f, l, 'GAD-7', f * 0.7, l * 0.7,
  c, c, g %% 8, c >= 2, f >= 10,
  CASE WHEN c >= 2 AND f >= 10 THEN l < 10 END,
  CASE WHEN c >= 2 THEN f - l >= 6 END,
  CASE WHEN c >= 2 THEN l - f >= 6 END,
  CASE WHEN c >= 2 AND f >= 10 THEN l < 10 AND f - l >= 6 END,
  g %% 50 = 0, 'national', false, 'PHQ-9', now()
FROM (
  SELECT g,
    -- Opened in the order they are inserted, over three years (with a few days'
    -- jitter), as a service's courses arrive: a period's courses lie together in the
    -- table, so a report of one year reads that year's pages only.
    DATE '2024-01-01' + ((g - 1)::bigint * 1096 / %(episodes)s)::int + (hashint4(g) & 7) AS d,
    4 + (hashint4(g + 1) & 7) AS w,
    (ARRAY['completed','completed','completed','dropped_out','stepped_up','transferred'])
      [1 + (hashint4(g + 2) & 32767) %% 6] AS r,
    10 + (hashint4(g + 3) & 15) AS f,
    (hashint4(g + 4) & 27) AS l,
    (hashint4(g + 5) & 7) AS c
  FROM generate_series(1, %(episodes)s) AS g
) AS s
"""

_E = "ended_on BETWEEN %(start)s AND %(end)s"
_F = _E + " AND finished"
_DROP = _E + " AND end_reason = 'dropped_out'"


def _moments(prefix: str, measure: str, first: str, last: str) -> list[str]:
    where = f"{_F} AND {prefix}_instrument = '{measure}'"
    return [
        f"COUNT(*) FILTER (WHERE {where})",
        f"SUM({first}) FILTER (WHERE {where})",
        f"SUM({last}) FILTER (WHERE {where})",
        f"SUM({first} * {first}) FILTER (WHERE {where})",
        f"SUM({last} * {last}) FILTER (WHERE {where})",
        f"SUM({first} * {last}) FILTER (WHERE {where})",
    ]


# Every aggregate of the report (figures._aggregates), written by hand as one statement
# (the report's shape before: every figure's period in its own filter).
_COLUMNS = [
    "COUNT(*) FILTER (WHERE started_on BETWEEN %(start)s AND %(end)s)",
    f"COUNT(*) FILTER (WHERE {_E})",
    f"COUNT(*) FILTER (WHERE {_F})",
    f"COUNT(*) FILTER (WHERE {_F} AND NOT caseness_start)",
    f"COUNT(*) FILTER (WHERE {_F} AND recovered)",
    f"COUNT(*) FILTER (WHERE {_F} AND reliable_improvement)",
    f"COUNT(*) FILTER (WHERE {_F} AND reliable_deterioration)",
    f"COUNT(*) FILTER (WHERE {_F} AND reliable_recovery)",
    f"COUNT(*) FILTER (WHERE {_DROP} AND weeks_in_treatment < 2)",
    f"COUNT(*) FILTER (WHERE {_DROP} AND weeks_in_treatment >= 2 AND weeks_in_treatment < 6)",
    f"COUNT(*) FILTER (WHERE {_DROP} AND weeks_in_treatment >= 6)",
    *(
        f"COUNT(*) FILTER (WHERE {_E} AND end_reason = '{reason}')"
        for reason in ("completed", "dropped_out", "stepped_up", "transferred")
    ),
    *_moments("dep", "PHQ-9", "dep_first", "dep_last"),
    *_moments("anx", "GAD-7", "anx_first", "anx_last"),
    f"COUNT(*) FILTER (WHERE {_E} AND neq_effects IS NOT NULL)",
    f"COUNT(*) FILTER (WHERE {_E} AND neq_effects > 0)",
    f"SUM(neq_effects) FILTER (WHERE {_E} AND neq_effects IS NOT NULL)",
    *(
        f"{agg}(dep_follow_up_{m}) FILTER (WHERE {_E} AND dep_follow_up_{m} IS NOT NULL)"
        for m in (3, 6, 12)
        for agg in ("COUNT", "AVG")
    ),
]
HAND_SQL = (
    "SELECT clinic_id, " + ", ".join(_COLUMNS) + " FROM reports_episodeoutcome"
    " WHERE clinic_id IN (SELECT id FROM core_clinic WHERE region_id = %(region)s)"
    # Only the rows a figure of the period reads (the report does the same:
    # figures.in_period); before, both aggregated every row of the region.
    " AND (ended_on BETWEEN %(start)s AND %(end)s OR started_on BETWEEN %(start)s AND %(end)s)"
    " GROUP BY clinic_id ORDER BY clinic_id"
)


def _ended_columns() -> list[str]:
    """Every figure but "started" over the rows that ended in the period (so no period
    in the filters), in the order figures._aggregates names them."""
    drop = "end_reason = 'dropped_out'"
    columns = [
        "COUNT(*)",
        "COUNT(*) FILTER (WHERE finished)",
        "COUNT(*) FILTER (WHERE finished AND NOT caseness_start)",
        "COUNT(*) FILTER (WHERE finished AND recovered)",
        "COUNT(*) FILTER (WHERE finished AND reliable_improvement)",
        "COUNT(*) FILTER (WHERE finished AND reliable_deterioration)",
        "COUNT(*) FILTER (WHERE finished AND reliable_recovery)",
        "COUNT(*) FILTER (WHERE outcome_rule = 'swedish')",
        "COUNT(*) FILTER (WHERE finished AND outcome_rule = 'swedish')",
        "COUNT(*) FILTER (WHERE finished AND substantially_improved)",
        "COUNT(*) FILTER (WHERE rule_fell_back)",
        f"COUNT(*) FILTER (WHERE {drop} AND weeks_in_treatment < 2)",
        f"COUNT(*) FILTER (WHERE {drop} AND weeks_in_treatment >= 2 AND weeks_in_treatment < 6)",
        f"COUNT(*) FILTER (WHERE {drop} AND weeks_in_treatment >= 6)",
        *(
            f"COUNT(*) FILTER (WHERE end_reason = '{reason}')"
            for reason in ("completed", "dropped_out", "stepped_up", "transferred")
        ),
    ]
    for prefix, measure in (("dep", "PHQ-9"), ("anx", "GAD-7")):
        where = f"finished AND {prefix}_instrument = '{measure}'"
        first, last = f"{prefix}_first", f"{prefix}_last"
        columns.append(f"COUNT(*) FILTER (WHERE {where})")
        for value in (first, last, f"{first} * {first}", f"{last} * {last}", f"{first} * {last}"):
            columns.append(f"SUM({value}) FILTER (WHERE {where})")
    columns += ["COUNT(neq_effects)", "COUNT(*) FILTER (WHERE neq_effects > 0)", "SUM(neq_effects)"]
    for months in (3, 6, 12):
        columns += [f"COUNT(dep_follow_up_{months})", f"AVG(dep_follow_up_{months})"]
    return columns


_REGION = "clinic_id IN (SELECT id FROM core_clinic WHERE region_id = %(region)s)"
# The report now: the courses that ended in the period (every figure but one), and a
# count of those that started in it, by hand.
HAND_ENDED = (
    "SELECT clinic_id, " + ", ".join(_ended_columns()) + " FROM reports_episodeoutcome"
    f" WHERE {_REGION} AND {_E} GROUP BY clinic_id ORDER BY clinic_id"
)
HAND_STARTED = (
    "SELECT clinic_id, COUNT(*) FROM reports_episodeoutcome"
    f" WHERE {_REGION} AND started_on BETWEEN %(start)s AND %(end)s"
    " GROUP BY clinic_id ORDER BY clinic_id"
)
# The indexes the report reads by (reports 0009); dropped inside a transaction that is
# rolled back, to time the report's previous query as it ran before them.
NEW_INDEXES = ("reports_outcome_ended_clinic", "reports_outcome_started_clinic")


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database needs 'bench'")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pages(cursor, sql: str, params) -> int:
    """Shared buffers hit + read by the query (EXPLAIN ANALYZE, BUFFERS)."""
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    top = plan[0]["Plan"]
    return top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--clinics", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args(argv)

    fresh_database(args.database_url)
    setup_django(args.database_url)
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    from tessera.core.models import Clinic, Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Bench", country="SE")
    clinics = [
        Clinic.objects.create(
            region=region, name=f"Bench {i}", slug=f"bench-{i}", country="SE", languages=["sv"]
        )
        for i in range(args.clinics)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'reports_episodeoutcome'::regclass"
            " AND contype = 'f' AND conname NOT LIKE '%%clinic%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE reports_episodeoutcome DROP CONSTRAINT "{name}"')
        began = time.perf_counter()
        cursor.execute(SECONDS_DEFAULT)
        cursor.execute(
            FILL,
            {"first_clinic": clinics[0].pk, "clinics": args.clinics, "episodes": args.episodes},
        )
        # Every table: the clinics too, or the plan loops per clinic; VACUUM sets the
        # visibility map, as autovacuum does, so a count can come from an index alone.
        cursor.execute("VACUUM ANALYZE")
        print(f"filled {args.episodes:,} episodes in {time.perf_counter() - began:.1f} s")

    ok = True
    for label, start, end in (
        ("the year 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("its last quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ):
        print(f"\n{label} ({start} to {end}), a region of {args.clinics} clinics:")
        ok = measure(region, start, end, args.repeat, args.episodes) and ok
    return 0 if ok else 1


def measure(region, start, end, repeat: int, episodes: int) -> bool:
    """Time the report of one period against its previous query and the hand-written
    SQL, print the table, check the numbers; whether the targets were met."""
    from django.db import connection, transaction
    from django.db.models import Count

    from tessera.reports import figures
    from tessera.reports.models import EpisodeOutcome

    params = {"start": start, "end": end, "region": region.pk}
    rows = EpisodeOutcome.objects.filter(clinic__region=region)
    # The report's previous query (one aggregate over the rows that started or ended in
    # the period, every figure's period in its filter), timed with the indexes it had.
    before = rows.filter(figures.in_period(start, end)).values("clinic_id").order_by("clinic_id")
    before_sql, before_params = before.annotate(
        **figures._aggregates(start, end)
    ).query.sql_with_params()
    # The report's own two queries now (figures.by_clinic), for "its SQL".
    ended_sql, ended_params = (
        rows.filter(figures._period("ended_on", start, end))
        .values("clinic_id")
        .order_by("clinic_id")
        .annotate(**figures._ended_aggregates())
        .query.sql_with_params()
    )
    started_sql, started_params = (
        rows.filter(figures._period("started_on", start, end))
        .values("clinic_id")
        .order_by("clinic_id")
        .annotate(n=Count("*"))
        .query.sql_with_params()
    )
    times = {"before": [], "report": [], "its SQL": [], "SQL": []}

    def timed(name, run):
        began = time.perf_counter()
        result = run()
        times[name].append(time.perf_counter() - began)
        return result

    def run_sql(cursor, *statements):
        out = []
        for sql, sql_params in statements:
            cursor.execute(sql, sql_params)
            out.append(cursor.fetchall())
        return out

    def without_new_indexes(cursor, work):
        """``work()`` as before reports 0009: its indexes dropped in a transaction that
        is rolled back (DDL is transactional in PostgreSQL)."""
        with transaction.atomic():
            for name in NEW_INDEXES:
                cursor.execute(f'DROP INDEX "{name}"')
            result = work()
            transaction.set_rollback(True)
        return result

    with connection.cursor() as cursor:
        for _ in range(repeat):
            old = without_new_indexes(
                cursor,
                lambda: timed("before", lambda: run_sql(cursor, (before_sql, before_params))),
            )[0]
            own_ended, own_started = timed(
                "its SQL",
                lambda: run_sql(cursor, (ended_sql, ended_params), (started_sql, started_params)),
            )
            hand_ended, hand_started = timed(
                "SQL", lambda: run_sql(cursor, (HAND_ENDED, params), (HAND_STARTED, params))
            )
            reports = timed("report", lambda: figures.by_clinic(rows, start, end, suppress=True))
        before_pages = without_new_indexes(cursor, lambda: pages(cursor, before_sql, before_params))
        report_pages = pages(cursor, ended_sql, ended_params) + pages(
            cursor, started_sql, started_params
        )
        hand_pages = pages(cursor, HAND_ENDED, params) + pages(cursor, HAND_STARTED, params)
        cursor.execute("SELECT relpages FROM pg_class WHERE relname = 'reports_episodeoutcome'")
        table_pages = cursor.fetchone()[0]

    best = {name: min(values) for name, values in times.items()}
    ratio = best["report"] / best["SQL"]
    print(f"{'':24}{'before':>12}{'report':>12}{'its SQL':>12}{'SQL':>12}")
    print(
        f"{'best of ' + str(repeat) + ' (s)':24}{best['before']:>12.3f}"
        f"{best['report']:>12.3f}{best['its SQL']:>12.3f}{best['SQL']:>12.3f}"
    )
    print(
        f"{'pages read':24}{before_pages:>12,}{report_pages:>12,}{report_pages:>12,}"
        f"{hand_pages:>12,}"
    )
    print(f"the outcome table: {table_pages:,} pages, {episodes:,} episodes")
    print(
        f"report now / before: x{best['report'] / best['before']:.2f} in time,"
        f" x{report_pages / before_pages:.2f} in pages"
    )
    print(f"report / its own SQL through a cursor: x{best['report'] / best['its SQL']:.2f}")
    print(f"report / SQL: x{ratio:.2f} (target at most x1.5)")
    print(f"report: {best['report']:.2f} s (target at most 2 s)")

    wrong = check(start, end, old, own_ended, own_started, hand_ended, hand_started, reports)
    print("checks:", f"CHECK FAILED for clinics {sorted(wrong)}" if wrong else "the same numbers")
    return not wrong and ratio <= 1.5 and best["report"] <= 2


def check(start, end, old, own_ended, own_started, hand_ended, hand_started, reports) -> set:
    """The clinics whose figures differ between the previous query, the report's two
    queries and the hand-written SQL (every figure), or the report's counts."""
    from tessera.reports import figures

    fields = list(figures._aggregates(start, end))
    wrong = set()
    previous = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in old}
    for clinic_id, values in previous.items():
        got = {c.key: c.value for c in reports[clinic_id].counts}
        want = (values["started"], values["ended"], values["finished_n"])
        if (got["started"], got["ended"], got["finished"]) != want:
            wrong.add(clinic_id)
    ended_keys = _ended_keys()
    hand = {row[0]: dict(zip(ended_keys, row[1:], strict=True)) for row in hand_ended}
    for clinic_id, n in hand_started:
        hand.setdefault(clinic_id, {})["started"] = n
    own = {row[0]: dict(zip(ended_keys, row[1:], strict=True)) for row in own_ended}
    for clinic_id, n in own_started:
        own.setdefault(clinic_id, {})["started"] = n
    for clinic_id, values in previous.items():
        for key, value in values.items():
            for now in (hand, own):
                if not _same(value, now.get(clinic_id, {}).get(key)):
                    wrong.add(clinic_id)
    return wrong


def _ended_keys() -> list[str]:
    """The names of HAND_ENDED's columns, in order (figures._aggregates' names)."""
    from tessera.reports import figures

    return [key for key in figures._aggregates(None, None) if key != "started"]


def _same(a, b) -> bool:
    """Counts exactly; sums of floats added in another order, to 1e-9 of their size."""
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


if __name__ == "__main__":
    raise SystemExit(main())
