"""The region-wide outcome report over a million episodes on PostgreSQL, against a
hand-written SQL aggregate over the same table in the same run.

    python bench/reports_pg.py                       # 1,000,000 episodes, 20 clinics
    python bench/reports_pg.py --episodes 100000 --repeat 3

Needs PostgreSQL (``--database-url``, default a database ``tessera_reports_bench`` on
127.0.0.1, dropped, created and migrated afresh). The outcome table
(``reports_episodeoutcome``) is filled with ``INSERT ... SELECT generate_series`` in one
statement: seeded pseudo-random scores, dates over three years, end reasons and labels.
Its foreign keys to episodes and users are dropped in this database first, so that no
million patients and episodes need to be made: the reports read this table only (the
responses are read when a row is refreshed, never by a report page), which is also why
no responses are generated here.

Timed side by side, alternately, best of ``--repeat``:

  report    ``figures.by_clinic`` (the region page's query: every clinic's counts,
            rates and effect-size sums in one aggregate), the ORM and Python included;
  SQL       the same aggregates written by hand (COUNT ... FILTER, SUM, AVG) through a
            cursor: every figure ``figures._aggregates`` asks for;
  its SQL   the report's own generated SQL through a cursor (no ORM, no Python): what
            the ORM and ``build()`` add on top of the database's work.

It prints both, the ratio report / SQL (target at most 1.5, and the report at most 2 s)
and the pages each query reads (shared buffers hit + read, from EXPLAIN (ANALYZE,
BUFFERS)). It then checks that the report's numbers equal the hand-written SQL's.
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
    DATE '2024-01-01' + (hashint4(g) & 1023) AS d,
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


# Every aggregate of the report (figures._aggregates), written by hand.
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
    from tessera.reports import figures
    from tessera.reports.models import EpisodeOutcome

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
        cursor.execute(
            FILL,
            {"first_clinic": clinics[0].pk, "clinics": args.clinics, "episodes": args.episodes},
        )
        cursor.execute("ANALYZE")  # every table: the clinics too, or the plan loops per clinic
        print(f"filled {args.episodes:,} episodes in {time.perf_counter() - began:.1f} s")

    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    params = {"start": start, "end": end, "region": region.pk}
    rows = EpisodeOutcome.objects.filter(clinic__region=region)
    report_times, sql_times, raw_times = [], [], []
    grouped = rows.filter(figures.in_period(start, end)).values("clinic_id").order_by("clinic_id")
    grouped = grouped.annotate(**figures._aggregates(start, end))
    orm_sql, orm_params = grouped.query.sql_with_params()
    # The report's query before figures.in_period (every row of the region aggregated),
    # timed in the same run for the before/after ratio.
    before = rows.values("clinic_id").order_by("clinic_id")
    before_sql, before_params = before.annotate(
        **figures._aggregates(start, end)
    ).query.sql_with_params()
    before_times = []
    with connection.cursor() as cursor:
        for _ in range(args.repeat):
            began = time.perf_counter()
            cursor.execute(before_sql, before_params)
            cursor.fetchall()
            before_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            cursor.execute(orm_sql, orm_params)
            cursor.fetchall()
            raw_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            cursor.execute(HAND_SQL, params)
            hand = cursor.fetchall()
            sql_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            reports = figures.by_clinic(rows, start, end, suppress=True)
            report_times.append(time.perf_counter() - began)
        report_pages = pages(cursor, orm_sql, orm_params)
        hand_pages = pages(cursor, HAND_SQL, params)
        before_pages = pages(cursor, before_sql, before_params)

    best_report, best_sql, best_raw = min(report_times), min(sql_times), min(raw_times)
    ratio = best_report / best_sql
    print(f"{'':24}{'report':>12}{'SQL':>12}{'its SQL':>12}")
    print(
        f"{'best of ' + str(args.repeat) + ' (s)':24}{best_report:>12.3f}{best_sql:>12.3f}"
        f"{best_raw:>12.3f}"
    )
    print(f"{'pages read':24}{report_pages:>12,}{hand_pages:>12,}{report_pages:>12,}")
    print(
        f"its SQL before in_period: {min(before_times):.3f} s, {before_pages:,} pages;"
        f" now / before: x{best_raw / min(before_times):.2f}"
    )
    print(f"report / its own SQL through a cursor: x{best_report / best_raw:.2f}")
    print(f"report / SQL: x{ratio:.2f} (target at most x1.5)")
    print(f"report: {best_report:.2f} s (target at most 2 s)")

    wrong = []
    for clinic_id, started, ended, finished, *_rest in hand:
        got = {c.key: c.value for c in reports[clinic_id].counts}
        if (got["started"], got["ended"], got["finished"]) != (started, ended, finished):
            wrong.append(clinic_id)
    print("checks:", "CHECK FAILED for clinics " + str(wrong) if wrong else "the same numbers")
    ok = not wrong and ratio <= 1.5 and best_report <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
