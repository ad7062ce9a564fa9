"""The implementation dashboard over a million episodes on PostgreSQL, against
hand-written SQL of the same figures in the same run (issue 15, "Speed").

    python bench/dashboard_pg.py                        # 1,000,000 episodes, 20 clinics
    python bench/dashboard_pg.py --episodes 100000 --repeat 3

What the dashboard reads (``tessera/reports/dashboard.py``, the view
``clinic_dashboard``; a region administrator opens it per clinic from the region page,
suppressed): the narrow outcome table ``reports_episodeoutcome`` (quarters, adherence,
uptake area, costs, therapist time), the applications and their referrals (intake per
week, referral mix, decisions and reasons, waits, GP adoption) and the therapists' time
entries (minutes per course, cost). It never reads questionnaire responses: scores come
from the outcome table, kept up to date by the actions that change it, so no responses
are made here. The reply-time and online-share table reads the therapists' episodes
and messages of the last 13 weeks (workload's five queries): the bench clinics have no
therapist roles, so it is timed but reads nothing (not measured at scale).

Fills, each with one ``INSERT ... SELECT generate_series`` (foreign keys other than the
clinic's dropped in this database, as in ``reports_pg.py``): the outcome table
(``reports_pg.FILL``), one application per episode (submitted a few weeks before the
course opens, assessed and started after it, a status and source by a seeded hash), a
referral for every professional application (256 practices), and ``--entries`` time
entries per episode. Then ``VACUUM ANALYZE``.

Times, best of ``--repeat``, alternately: ``dashboard`` (every figure the page shows,
through dashboard.py, for one clinic and for every clinic of the region one after the
other) and ``SQL`` (the same figures written by hand, through a cursor), with the pages
read (shared buffers hit + read, EXPLAIN (ANALYZE, BUFFERS), summed over the queries),
then checks that the figures are the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reports_pg  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_dashboard_bench"
TODAY = dt.date(2026, 12, 4)

APPLICATIONS = """
INSERT INTO intake_application ({columns})
SELECT {values}
FROM (
  SELECT g, o.clinic_id AS clinic,
    (o.opened_on - 7 - (hashint4(g + 6) & 31))::timestamp + interval '10 hours' AS sub,
    (hashint4(g + 7) & 15) AS wa, (hashint4(g + 8) & 15) AS ws,
    (ARRAY['accepted','accepted','accepted','accepted','accepted','accepted','accepted',
           'accepted','accepted','accepted','accepted','declined','declined','redirected',
           'waiting_list','submitted'])[1 + (hashint4(g + 9) & 15)] AS st,
    (ARRAY['self','self','professional','fhir'])[1 + (hashint4(g + 10) & 3)] AS src
  FROM generate_series(1, %(episodes)s) AS g
  JOIN reports_episodeoutcome o ON o.episode_id = g
) AS s
"""
APPLICATION_VALUES = {
    "clinic_id": "clinic",
    "reference": "'B' || g",
    "source": "src",
    "status": "st",
    "submitted_at": "sub",
    "assessed_at": "CASE WHEN st IN ('accepted','declined','redirected')"
    " THEN sub + wa * interval '1 day' END",
    "started_at": "CASE WHEN st = 'accepted' THEN sub + (wa + ws) * interval '1 day' END",
    "decision_reason": "CASE WHEN st IN ('declined','redirected') THEN (ARRAY["
    "'Needs a psychiatrist', 'needs a psychiatrist ', 'Substance use', 'Too severe',"
    " 'Wants face to face'])[1 + (hashint4(g + 11) & 3) + (g %% 2)] ELSE '' END",
    "episode_id": "g",
}
REFERRALS = """
INSERT INTO intake_referral ({columns})
SELECT {values} FROM intake_application a WHERE a.source = 'professional'
"""
REFERRAL_VALUES = {
    "application_id": "a.id",
    "organisation": "'Practice ' || (hashint4(a.id::int) & 255)",
    "referrer_name": "'Dr B'",
}
TIME_ENTRIES = """
INSERT INTO workload_timeentry ({columns})
SELECT {values}
FROM generate_series(1, %(episodes)s) AS g, generate_series(1, %(entries)s) AS k
"""
TIME_VALUES = {
    "user_id": "1",
    "episode_id": "g",
    "day": "DATE '2024-01-01' + ((g - 1)::bigint * 1096 / %(episodes)s)::int + k",
    "seconds": "60 * (5 + (hashint4(g * 7 + k) & 31))",
    "source": "'manual'",
}


def _default(data_type: str) -> str:
    if data_type in ("integer", "bigint", "smallint", "numeric", "double precision"):
        return "0"
    if data_type == "boolean":
        return "false"
    if data_type == "jsonb":
        return "'[]'::jsonb"
    if data_type.startswith("timestamp"):
        return "now()"
    if data_type == "date":
        return "current_date"
    if data_type == "uuid":
        return "gen_random_uuid()"
    return "''"


def fill(cursor, table: str, template: str, values: dict, params: dict) -> None:
    """Insert with ``template``, every NOT NULL column without a default given a blank
    value of its type; the table's foreign keys other than the clinic's dropped."""
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype = 'f' AND conname NOT LIKE '%%clinic%%'",
        [table],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    values = dict(values)
    for name, data_type in cursor.fetchall():
        values.setdefault(name, _default(data_type))
    sql = template.format(columns=", ".join(values), values=", ".join(values.values()))
    began = time.perf_counter()
    cursor.execute(sql, params)
    print(f"  {table}: {cursor.rowcount:,} rows in {time.perf_counter() - began:.1f} s")


# The dashboard's figures by hand, one clinic (%(clinic)s), in the order of the page.
_APPS = (
    "FROM intake_application a WHERE a.clinic_id = %(clinic)s AND a.submitted_at IS NOT NULL"
    " AND a.status NOT IN ('draft', 'duplicate')"
)
_Q = "date_trunc('quarter', {} AT TIME ZONE %(tz)s)"
HAND = {
    "applications": "SELECT date_trunc('week', a.submitted_at AT TIME ZONE %(tz)s), COUNT(*) "
    + _APPS
    + " AND (a.submitted_at AT TIME ZONE %(tz)s)::date >= %(first_week)s"
    " AND (a.submitted_at AT TIME ZONE %(tz)s)::date < %(next_week)s GROUP BY 1",
    "referrals": "SELECT a.source, COUNT(*) " + _APPS + " GROUP BY 1",
    "areas": "SELECT area, COUNT(*) FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s"
    " GROUP BY 1 ORDER BY 2 DESC, 1",
    "decisions": "SELECT a.status, COUNT(*) " + _APPS + " GROUP BY 1",
    "reasons": "SELECT a.status, lower(trim(a.decision_reason)), COUNT(*),"
    " MAX(trim(a.decision_reason)) "
    + _APPS
    + " AND a.status IN ('declined', 'redirected') GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10",
    "gp_pairs": "SELECT " + _Q.format("a.submitted_at") + ", r.organisation, COUNT(*)"
    " FROM intake_referral r JOIN intake_application a ON a.id = r.application_id"
    " WHERE a.clinic_id = %(clinic)s AND a.submitted_at IS NOT NULL"
    " AND a.status NOT IN ('draft', 'duplicate') GROUP BY 1, 2",
    "gp_totals": "SELECT " + _Q.format("a.submitted_at") + ", COUNT(*) " + _APPS + " GROUP BY 1",
    "wait_assessment": "SELECT (a.assessed_at AT TIME ZONE %(tz)s)::date"
    " - (a.submitted_at AT TIME ZONE %(tz)s)::date, COUNT(*) "
    + _APPS
    + " AND a.assessed_at IS NOT NULL GROUP BY 1",
    "wait_start": "SELECT (a.started_at AT TIME ZONE %(tz)s)::date"
    " - (a.assessed_at AT TIME ZONE %(tz)s)::date, COUNT(*) "
    + _APPS
    + " AND a.assessed_at IS NOT NULL AND a.started_at IS NOT NULL GROUP BY 1",
    "adherence": "SELECT programme_key, COUNT(*), AVG(modules_completed),"
    " COUNT(*) FILTER (WHERE finished), COUNT(*) FILTER (WHERE end_reason = 'dropped_out'),"
    " AVG(weeks_in_treatment) FILTER (WHERE end_reason = 'dropped_out')"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND ended_on IS NOT NULL"
    " GROUP BY 1 ORDER BY 1",
    "quarters_ended": "SELECT date_trunc('quarter', ended_on), COUNT(*),"
    " COUNT(*) FILTER (WHERE finished), COUNT(*) FILTER (WHERE recovered)"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND ended_on IS NOT NULL"
    " GROUP BY 1",
    "quarters_started": "SELECT date_trunc('quarter', started_on), COUNT(*)"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND started_on IS NOT NULL"
    " GROUP BY 1",
    "quarters_applied": "SELECT " + _Q.format("a.submitted_at") + ", COUNT(*),"
    " COUNT(*) FILTER (WHERE a.source = 'professional') " + _APPS + " GROUP BY 1",
    "costs": "SELECT COUNT(*) FILTER (WHERE started_on > %(since)s AND started_on <= %(today)s),"
    " COUNT(*) FILTER (WHERE ended_on > %(since)s AND finished),"
    " COUNT(*) FILTER (WHERE ended_on > %(since)s AND recovered),"
    " SUM(therapist_seconds) FILTER (WHERE ended_on > %(since)s)"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s",
    "time": "SELECT COUNT(*) FILTER (WHERE finished), SUM(weeks_in_treatment), COUNT(*),"
    " SUM(therapist_seconds)"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND ended_on IS NOT NULL",
}


# Before decision 0039 the two figures of therapist time summed every time entry of the
# clinic's ended courses (the dashboard's ORM and the hand-written SQL alike).
HAND_BEFORE = HAND | {
    "costs": "SELECT COUNT(*) FILTER (WHERE started_on > %(since)s AND started_on <= %(today)s),"
    " COUNT(*) FILTER (WHERE ended_on > %(since)s AND finished),"
    " COUNT(*) FILTER (WHERE ended_on > %(since)s AND recovered),"
    " (SELECT SUM(t.seconds) FROM workload_timeentry t WHERE t.episode_id IN"
    "  (SELECT episode_id FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s"
    "   AND ended_on > %(since)s))"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s",
    "time": "SELECT COUNT(*) FILTER (WHERE finished), SUM(weeks_in_treatment), COUNT(*),"
    " (SELECT SUM(t.seconds) FROM workload_timeentry t WHERE t.episode_id IN"
    "  (SELECT episode_id FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s"
    "   AND ended_on IS NOT NULL))"
    " FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND ended_on IS NOT NULL",
}
_ENDED = "SELECT episode_id FROM reports_episodeoutcome WHERE clinic_id = %(clinic)s AND "
BEFORE_SUMS = (
    "SELECT SUM(t.seconds) FROM workload_timeentry t WHERE t.episode_id IN ("
    + _ENDED
    + "ended_on IS NOT NULL)",
    "SELECT SUM(t.seconds) FROM workload_timeentry t WHERE t.episode_id IN ("
    + _ENDED
    + "ended_on > %(since)s)",
)
# The region's dashboard by hand: the same figures over every clinic of the region, and
# the clinics side by side (group by clinic).
HAND_REGION = {
    key: sql.replace("clinic_id = %(clinic)s", "clinic_id = ANY(%(clinics)s)")
    for key, sql in HAND.items()
} | {
    "side_by_side_applications": "SELECT a.clinic_id, COUNT(*) "
    + _APPS.replace("a.clinic_id = %(clinic)s", "a.clinic_id = ANY(%(clinics)s)")
    + " GROUP BY 1",
    "side_by_side_courses": "SELECT clinic_id, COUNT(*) FILTER (WHERE started_on IS NOT NULL),"
    " COUNT(*) FILTER (WHERE ended_on IS NOT NULL),"
    " COUNT(*) FILTER (WHERE finished AND ended_on IS NOT NULL),"
    " COUNT(*) FILTER (WHERE recovered AND ended_on IS NOT NULL),"
    " SUM(therapist_seconds) FILTER (WHERE ended_on IS NOT NULL),"
    " SUM(therapist_seconds) FILTER (WHERE ended_on > %(since)s),"
    " COUNT(*) FILTER (WHERE ended_on > %(since)s AND finished)"
    " FROM reports_episodeoutcome WHERE clinic_id = ANY(%(clinics)s) GROUP BY 1",
    "side_by_side_wait_assessment": "SELECT a.clinic_id,"
    " (a.submitted_at AT TIME ZONE %(tz)s)::date,"
    " (a.assessed_at AT TIME ZONE %(tz)s)::date, COUNT(*) "
    + _APPS.replace("a.clinic_id = %(clinic)s", "a.clinic_id = ANY(%(clinics)s)")
    + " AND a.assessed_at IS NOT NULL GROUP BY 1, 2, 3",
    "side_by_side_wait_start": "SELECT a.clinic_id, (a.assessed_at AT TIME ZONE %(tz)s)::date,"
    " (a.started_at AT TIME ZONE %(tz)s)::date, COUNT(*) "
    + _APPS.replace("a.clinic_id = %(clinic)s", "a.clinic_id = ANY(%(clinics)s)")
    + " AND a.started_at IS NOT NULL AND a.assessed_at IS NOT NULL GROUP BY 1, 2, 3",
}


def before_figures(clinic, settings) -> dict:
    """The dashboard as it was before decision 0039: the same figures, and the two sums
    of therapist time read from every time entry of the clinic's ended courses."""
    from django.db import connection

    figures = dashboard_figures(clinic, settings)
    with connection.cursor() as cursor:
        figures["before_sums"] = [_run(cursor, sql, _hand_params(clinic)) for sql in BEFORE_SUMS]
    return figures


def _run(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchall()


def region_figures(clinics) -> dict:
    """Every figure of the region's dashboard page (the view's calls, without the
    template)."""
    from tessera.reports import dashboard, views

    tables, steadiness = views._dashboard_tables(None, True, region_clinics=clinics)
    place = dashboard.Clinics(tuple(c.pk for c in clinics))
    return {"tables": tables, "steadiness": steadiness, "time": dashboard.therapist_time(place)}


def dashboard_figures(clinic, settings) -> dict:
    """Every figure the dashboard page shows (the view's calls, without the template)."""
    from tessera.reports import dashboard, views

    tables, steadiness = views._dashboard_tables(clinic, suppress=True)
    return {
        "tables": tables,
        "steadiness": steadiness,
        "costs": dashboard.costs(clinic, settings, today=TODAY),
        "time": dashboard.therapist_time(clinic),
    }


def _hand_params(clinic, clinics=()) -> dict:
    from django.conf import settings

    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    return {
        "clinic": clinic.pk if clinic else None,
        "clinics": [c.pk for c in clinics],
        "tz": settings.TIME_ZONE,
        "first_week": monday - dt.timedelta(weeks=25),
        "next_week": monday + dt.timedelta(weeks=1),
        "since": TODAY - dt.timedelta(days=365),
        "today": TODAY,
    }


def hand_figures(cursor, clinic, queries=None, clinics=()) -> dict:
    params = _hand_params(clinic, clinics)
    return {key: _run(cursor, sql, params) for key, sql in (queries or HAND).items()}


def hand_pages(cursor, clinic, queries=None, clinics=()) -> int:
    params = _hand_params(clinic, clinics)
    return sum(reports_pg.pages(cursor, sql, params) for sql in (queries or HAND).values())


def dashboard_pages(cursor, run) -> tuple[int, int]:
    """(queries, pages) of a dashboard (``run``): its queries captured, then each
    explained."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    total = 0
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT"):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            top = plan[0]["Plan"]
            total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return len(captured.captured_queries), total


def _check_intake(t: dict, hand: dict, shown) -> list[str]:
    """The intake tables that differ (applications, referral mix, decisions, reasons)."""
    wrong = []
    if [r[1] for r in t["applications"].rows if r[1]] != [
        shown(n) for _w, n in sorted(hand["applications"])
    ]:
        wrong.append("applications")
    if sorted(map(str, (r[1] for r in t["referrals"].rows if r[1]))) != sorted(
        str(n) for _s, n in hand["referrals"]
    ):
        wrong.append("referrals")
    if sorted(map(str, (r[1] for r in t["decisions"].rows if r[1]))) != sorted(
        str(n) for _s, n in hand["decisions"]
    ):
        wrong.append("decisions")
    if [r[2] for r in t["reasons"].rows] != [n for *_x, n, _m in hand["reasons"]]:
        wrong.append("reasons")
    return wrong


def check(mine: dict, hand: dict) -> list[str]:
    """The figures that differ between the dashboard and the hand-written SQL (the hand
    counts suppressed as the region administrator's page shows them)."""
    from tessera.core import access
    from tessera.reports.dashboard import quarter_name

    def shown(n):
        return "fewer than 5" if isinstance(n, int) and 0 < n < access.SMALL_NUMBER else n

    hand = {
        key: [tuple(shown(v) for v in row) for row in rows]
        for key, rows in hand.items()
        if key not in ("time", "costs", "applications", "wait_assessment", "wait_start")
    } | {k: hand[k] for k in ("time", "costs", "applications", "wait_assessment", "wait_start")}

    wrong = _check_intake(mine["tables"], hand, shown)
    t = mine["tables"]
    top = [n for _a, n in hand["areas"] if _a][:15]
    if [r[1] for r in t["areas"].rows][: len(top)] != top:
        wrong.append("areas")
    started = {quarter_name(q): n for q, n in hand["quarters_started"]}
    ended = {quarter_name(q): (n, f, r) for q, n, f, r in hand["quarters_ended"]}
    applied = {quarter_name(q): (n, p) for q, n, p in hand["quarters_applied"]}
    for row in t["quarters"].rows:
        want = [*applied.get(row[0], (0, 0)), started.get(row[0], 0), *ended.get(row[0], (0,) * 3)]
        if list(row[1:7]) != want:
            wrong.append("quarters " + row[0])
    adherence = [[k or "", n, f] for k, n, _m, f, _d, _w in hand["adherence"]]
    if [[r[0] if r[0] != "No programme" else "", r[1]] for r in t["adherence"].rows] != [
        a[:2] for a in adherence
    ]:
        wrong.append("adherence")
    finished, weeks, episodes, seconds = hand["time"][0]
    time_ = mine["time"]
    if (time_["finished"], time_["weeks"], time_["episodes"], time_["minutes"]) != (
        finished,
        weeks or 0,
        episodes,
        round((seconds or 0) / 60),
    ):
        wrong.append("therapist time")
    costs = mine["costs"]
    s, f, r, _sec = hand["costs"][0]
    if (costs["started"], costs["finished"], costs["recovered"]) != (s, f, r):
        wrong.append("costs")
    for key, wait in zip(("wait_assessment", "wait_start"), t["waits"].rows, strict=True):
        if wait[1] != shown(sum(n for _d, n in hand[key])):
            wrong.append(key)
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--clinics", type=int, default=20)
    parser.add_argument("--entries", type=int, default=2, help="time entries per episode")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--region-repeat", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database of an earlier run again"
    )
    args = parser.parse_args(argv)

    if args.reuse:
        reports_pg.setup_django(args.database_url)
        from tessera.core.models import Clinic
        from tessera.reports.models import ClinicCosts

        clinics = list(Clinic.objects.filter(region__name="Bench").order_by("pk"))
        settings = {c.clinic_id: c for c in ClinicCosts.objects.filter(clinic__in=clinics)}
        return measure(clinics, settings, args.repeat, args.region_repeat)
    reports_pg.fresh_database(args.database_url)
    reports_pg.setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from tessera.core.models import Clinic, Region
    from tessera.reports import counts
    from tessera.reports.models import ClinicCosts

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Bench", country="SE")
    clinics = [
        Clinic.objects.create(
            region=region, name=f"Bench {i}", slug=f"bench-{i}", country="SE", languages=["sv"]
        )
        for i in range(args.clinics)
    ]
    settings = {
        c.pk: ClinicCosts.objects.create(clinic=c, per_therapist_hour=900, fixed_per_month=50000)
        for c in clinics
    }
    params = {
        "first_clinic": clinics[0].pk,
        "clinics": args.clinics,
        "episodes": args.episodes,
        "entries": args.entries,
    }
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'reports_episodeoutcome'::regclass"
            " AND contype = 'f' AND conname NOT LIKE '%%clinic%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE reports_episodeoutcome DROP CONSTRAINT "{name}"')
        cursor.execute(reports_pg.SECONDS_DEFAULT)
        # The dashboard's counts (decision 0043) are rebuilt once after the fill, not
        # kept row by row by their triggers during it.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(reports_pg.FILL, params)
        print(f"  reports_episodeoutcome: {args.episodes:,} rows")
        fill(cursor, "intake_application", APPLICATIONS, APPLICATION_VALUES, params)
        fill(cursor, "intake_referral", REFERRALS, REFERRAL_VALUES, params)
        fill(cursor, "workload_timeentry", TIME_ENTRIES, TIME_VALUES, params)
        # Each course's time on its outcome row, as the actions keep it (decision 0039).
        cursor.execute(
            "UPDATE reports_episodeoutcome o SET therapist_seconds = t.s FROM (SELECT"
            " episode_id, SUM(seconds) AS s FROM workload_timeentry GROUP BY 1) AS t"
            " WHERE t.episode_id = o.episode_id"
        )
        cursor.execute("RESET session_replication_role")
        began_counts = time.perf_counter()
        counts.rebuild()
        print(f"  dashboard counts rebuilt in {time.perf_counter() - began_counts:.1f} s")
        cursor.execute("VACUUM ANALYZE")
    print(f"filled in {time.perf_counter() - began:.1f} s")

    return measure(clinics, settings, args.repeat, args.region_repeat)


def measure(clinics, settings, repeat: int, region_repeat: int) -> int:
    """Side by side in one run, best of ``repeat`` each: one clinic's dashboard before
    decision 0039 (time summed from the time entries) and now, each against its
    hand-written SQL; then (``region_repeat``) the region's dashboard against its SQL,
    and the region administrator's way before it: every clinic's dashboard in turn."""
    from django.db import connection

    one = clinics[0]
    times: dict[str, list[float]] = {}

    def timed(name, run):
        began = time.perf_counter()
        result = run()
        times.setdefault(name, []).append(time.perf_counter() - began)
        return result

    with connection.cursor() as cursor:
        for _ in range(repeat):
            timed("before", lambda: before_figures(one, settings[one.pk]))
            timed("SQL before", lambda: hand_figures(cursor, one, HAND_BEFORE))
            mine = timed("dashboard", lambda: dashboard_figures(one, settings[one.pk]))
            hand = timed("SQL", lambda: hand_figures(cursor, one))
        for _ in range(region_repeat):  # 0: not timed
            region = timed("region dashboard", lambda: region_figures(clinics))
            region_hand = timed(
                "region SQL", lambda: hand_figures(cursor, None, HAND_REGION, clinics)
            )
            timed(
                "every clinic",
                lambda: [dashboard_figures(c, settings[c.pk]) for c in clinics],
            )
        before_q, before_pages = dashboard_pages(
            cursor, lambda: before_figures(one, settings[one.pk])
        )
        queries, my_pages = dashboard_pages(
            cursor, lambda: dashboard_figures(one, settings[one.pk])
        )
        sql_before_pages = hand_pages(cursor, one, HAND_BEFORE)
        sql_pages = hand_pages(cursor, one)
        if region_repeat:
            region_q, region_pages = dashboard_pages(cursor, lambda: region_figures(clinics))
            region_sql_pages = hand_pages(cursor, None, HAND_REGION, clinics)
        cursor.execute(
            "SELECT relname, relpages FROM pg_class WHERE relname IN ('reports_episodeoutcome',"
            " 'intake_application', 'intake_referral', 'workload_timeentry') ORDER BY 1"
        )
        sizes = cursor.fetchall()
    best = {k: min(v) for k, v in times.items()}
    print(
        f"\none clinic of {len(clinics)} (best of {repeat}), the region (best of {region_repeat}):"
    )
    print(f"{'':34}{'dashboard':>12}{'SQL':>12}{'ratio':>8}{'pages':>12}{'SQL pages':>12}")
    print(
        f"{'one clinic, before (s)':34}{best['before']:>12.3f}{best['SQL before']:>12.3f}"
        f"{best['before'] / best['SQL before']:>8.2f}{before_pages:>12,}{sql_before_pages:>12,}"
    )
    print(
        f"{'one clinic, now (s)':34}{best['dashboard']:>12.3f}{best['SQL']:>12.3f}"
        f"{best['dashboard'] / best['SQL']:>8.2f}{my_pages:>12,}{sql_pages:>12,}"
    )
    if region_repeat:
        print(
            f"{'region dashboard (s)':34}{best['region dashboard']:>12.3f}"
            f"{best['region SQL']:>12.3f}{best['region dashboard'] / best['region SQL']:>8.2f}"
            f"{region_pages:>12,}{region_sql_pages:>12,}"
        )
        print(f"{'every clinic in turn (s)':34}{best['every clinic']:>12.3f}")
        print(f"{'region dashboard, queries':34}{region_q:>12}{len(HAND_REGION):>12}")
    print(f"{'one clinic, queries (before/now)':34}{before_q:>12}{queries:>12}")
    print("table pages:", ", ".join(f"{name} {n:,}" for name, n in sizes))
    wrong = check(mine, hand)
    if region_repeat:
        wrong += [f"region {w}" for w in check_region(region, region_hand)]
    print("checks:", f"DIFFERENT: {wrong}" if wrong else "the same figures")
    ok = not wrong and best["dashboard"] <= 2 and best["dashboard"] <= 1.5 * best["SQL"]
    if region_repeat:
        ok = ok and best["region dashboard"] <= 2
        ok = ok and best["region dashboard"] <= 1.5 * best["region SQL"]
    return 0 if ok else 1


def check_region(mine: dict, hand: dict) -> list[str]:
    """The region's figures that differ from the hand-written SQL: the referral mix and
    decisions over every clinic, therapist time, and the clinics side by side."""
    t = mine["tables"]
    wrong = []
    shown = {n for n in (r[1] for r in t["referrals"].rows) if isinstance(n, int)}
    if shown != {n for _s, n in hand["referrals"]} - {0}:
        wrong.append("referrals")
    finished, _weeks, episodes, seconds = hand["time"][0]
    time_ = mine["time"]
    if (time_["finished"], time_["episodes"], time_["minutes"]) != (
        finished,
        episodes,
        round((seconds or 0) / 60),
    ):
        wrong.append("therapist time")
    applied = dict(hand["side_by_side_applications"])
    courses = {row[0]: row[1:5] for row in hand["side_by_side_courses"]}
    from tessera.core.models import Clinic

    by_name = dict(Clinic.objects.filter(pk__in=list(courses)).values_list("name", "pk"))
    for row in t["clinics"].rows:
        pk = by_name.get(row[0])
        if pk is None:
            continue
        if [row[1], *row[2:6]] != [applied.get(pk, 0), *courses[pk]]:
            wrong.append("side by side " + row[0])
    return wrong


if __name__ == "__main__":
    raise SystemExit(main())
