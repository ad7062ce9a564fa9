"""Pages that do not grow with the database (issue 16): what can be pinned without a
clock. The queries keep their results, use the indexes made for them (EXPLAIN on
PostgreSQL), and count no more rows than they show."""

import datetime as dt
import os
from collections.abc import Collection, Mapping

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core import access, audit
from tessera.core.models import AuditEvent, Episode, Patient
from tessera.core.models.audit import with_patient_names
from tessera.core.pagination import CappedPaginator

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _old_patient_scope(user):
    """The set the patient list showed before: any patient with an episode in the
    user's scope, or the user's own record."""
    from tessera.core.access.patients import episode_scope

    ids = set(Episode.objects.filter(episode_scope(user)).values_list("patient_id", flat=True))
    ids |= set(Patient.objects.filter(user=user).values_list("pk", flat=True))
    return ids


@pytest.mark.parametrize(
    "kind", ["therapist", "manager", "colleague", "other_therapist", "patient", "staff_no_mfa"]
)
def test_the_patient_scope_shows_the_same_patients(world, kind):
    user = world[kind]
    got = set(Patient.objects.visible_to(user).values_list("pk", flat=True))
    expected = _old_patient_scope(user) if kind != "staff_no_mfa" else set()
    assert got == expected


def test_staff_patient_scope_is_a_plain_subquery_not_an_or(world):
    """``id IN (…) OR user_id = …`` makes PostgreSQL scan every patient; staff get the
    subquery alone."""
    sql = str(Patient.objects.visible_to(world["therapist"]).query)
    where = sql.split(" WHERE ", 1)[1]
    assert '"core_patient"."user_id"' not in where
    assert " IN (SELECT" in sql


def test_the_audit_search_by_date_keeps_whole_days(world, login):
    # One day throughout: the view, its event and the searches (decision 0123).
    with time_machine.travel(timezone.now(), tick=False):
        client = login(world["manager"])
        client.get(reverse("patient_detail", args=[world.patient.pk]))
        today = timezone.localdate()
        page = client.get(reverse("audit_search"), {"date_from": today, "date_to": today})
        assert any(e.action == "patient.viewed" for e in page.context["page"].object_list)
        yesterday = today - dt.timedelta(days=1)
        page = client.get(reverse("audit_search"), {"date_to": yesterday})
        assert not page.context["page"].object_list
        page = client.get(reverse("audit_search"), {"date_from": today + dt.timedelta(days=1)})
        assert not page.context["page"].object_list


def test_the_capped_paginator_counts_no_further_than_its_cap(world, django_assert_num_queries):
    for _ in range(5):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    events = AuditEvent.objects.filter(clinic=world.clinic).order_by("-id")
    total = events.count()
    assert total > 4
    paginator = CappedPaginator(events, 2, cap=4)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 5
    assert "LIMIT 5" in captured.captured_queries[0]["sql"]
    assert paginator.capped and paginator.num_pages == 2
    assert [e.pk for e in paginator.page(2).object_list] == [e.pk for e in events[2:4]]
    roomy = CappedPaginator(events, 2, cap=1000)
    assert roomy.count == total and not roomy.capped
    assert roomy.num_pages == -(-total // 2)


def test_a_capped_audit_search_says_there_is_more(world, login, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "__init__", _small_cap)
    client = login(world["manager"])
    for _ in range(4):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    page = client.get(reverse("audit_search"))
    assert "of more than 2" in page.content.decode()


_real_init = CappedPaginator.__init__


def _small_cap(self, object_list, per_page, **kwargs):
    _real_init(self, object_list, 1, cap=2)


class _RolledBack(Exception):
    """Raised to leave the savepoint in which a plan was read, undoing what it changed."""


def explain(
    sql: str,
    params=(),
    *,
    off: Collection[str] = ("seqscan",),
    only: Mapping[str, Collection[str]] | None = None,
) -> str:
    """The plan of ``sql``, read in a savepoint that is rolled back (so nothing it sets
    or drops outlives the call: settings and DDL are transactional in PostgreSQL).

    The tests' tables hold a few rows, and which of several usable indexes the planner
    takes for them depends on the statistics earlier tests and autovacuum left (row
    counts, the share of pages all-visible that prices an index-only scan), not on the
    query. So a plan test states what it is about and turns the rest off:

    off: the planner's ways not wanted here (``enable_<way> = off``): sequential scans
    by default, as on a large table;
    only: {table: indexes}: the table's other indexes (a primary key's too, unless
    named) are dropped for the plan; each kept index must exist. The plan then shows
    whether the index made for the query serves it (in its order, without reading other
    rows), whatever the statistics, as the planner's costs choose it at scale."""
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                for way in off:
                    cursor.execute(f"SET LOCAL enable_{way} = off")
                for table, keep in (only or {}).items():
                    _keep_only(cursor, table, set(keep))
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                raise _RolledBack
        except _RolledBack:
            pass
    return plan


def _keep_only(cursor, table: str, keep: set[str]) -> None:
    """Drop every index of ``table`` but ``keep`` (an index of a primary key or unique
    constraint with its constraint, and what depends on it), inside the caller's
    savepoint."""
    cursor.execute(
        """
        SELECT i.relname, c.conname
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = %s::regclass
        """,
        [table],
    )
    indexes = dict(cursor.fetchall())
    assert keep <= set(indexes), f"{table} has no index {keep - set(indexes)}"
    quote = connection.ops.quote_name
    for name, constraint in sorted(indexes.items()):
        if name in keep:
            continue
        if constraint:
            # Django's foreign keys are checked at commit: their checks of the test's
            # rows are run now (and marked pending again by the rollback), as a table
            # with checks pending cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)} CASCADE"
            )
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(name)}")


def _plan(
    queryset,
    *,
    in_order: bool = False,
    off: Collection[str] = (),
    only: Mapping[str, Collection[str]] | None = None,
) -> str:
    """The queryset's plan (``explain``), with sequential scans off (the tests' tables
    hold a few rows) and the ways in ``off``.

    in_order: also with bitmap scans and sorts off, as for a query whose order must come
    from an index. On a few rows gathering them by bitmap and sorting them is cheapest,
    and whether the planner takes it depends on what earlier tests left in its
    statistics; with those ways off, the plan shows whether an index serves the query
    in its order, as on a large table."""
    ways = ["seqscan", *off]
    if in_order:
        ways += ["bitmapscan", "sort"]
    sql, params = queryset.query.sql_with_params()
    return explain(sql, params, off=dict.fromkeys(ways), only=only)


# The patient list's own indexes on the episodes: (clinic, patient, …) and (therapist,
# patient, …), carrying the names and what the scope tests. On a few rows the planner
# may as well take the (clinic, status) index and read the rows; at scale it does not.
EPISODE_LIST_INDEXES = (
    "episode_clinic_patient",
    "episode_therapist_patient",
    "treatment_episode_pkey",
)
# The clinic's trail newest first, carrying the columns the page shows. Its primary key
# read backwards, keeping the clinic's rows, gives the same order: on a table of a few
# rows (all of one clinic, by the statistics) it costs about the same, at scale it reads
# every clinic's trail. Left out, the plan shows that the clinic's index alone serves
# the page, in order.
AUDIT_TRAIL_INDEXES = {"core_auditevent": ["audit_clinic_newest"]}


@postgres_only
def test_the_audit_search_reads_the_clinics_trail_by_index(world):
    clinic_ids = [world.clinic.pk]
    events = AuditEvent.objects.for_clinics(clinic_ids).filter(action__startswith="patient.")
    plan = _plan(events.order_by("-id")[:50], in_order=True, only=AUDIT_TRAIL_INDEXES)
    assert "audit_clinic_newest" in plan, plan
    assert "Sort" not in plan and "Seq Scan" not in plan, plan


@postgres_only
def test_the_staff_patient_list_does_not_scan_every_patient(world):
    plan = _plan(Patient.objects.visible_to(world["therapist"]).real())
    assert "Seq Scan on core_patient" not in plan


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


def test_the_patient_lists_cost_the_same_queries_for_3_and_40_patients(world, login):
    """Pinned: the list and the search, first and second page, for a manager and a
    therapist, do not grow with the patients in scope (one count and one page of rows,
    no query per row)."""
    from tests.conftest import make_patient

    manager = login(world["manager"])
    small = {
        "manager": _queries(manager, reverse("patient_list"))[0],
        "search": _queries(manager, reverse("patient_list"), q="a")[0],
    }
    # The therapist's menu costs its own (one query fewer or more than a manager's: the
    # "Clinics" entry is decided from the cached roles for a manager, issue 20).
    small["therapist"] = _queries(login(world["therapist"]), reverse("patient_list"))[0]
    manager = login(world["manager"])
    for n in range(40):
        make_patient(
            world.clinic,
            f"many{n}@alpha.test",
            therapist=world["therapist"],
            first="Many",
            last=f"Patient{n:02d}",
        )
    large, response = _queries(manager, reverse("patient_list"))
    assert response.context["page"].paginator.count >= 40
    assert large == small["manager"]
    assert _queries(manager, reverse("patient_list"), page=2)[0] == large
    assert _queries(manager, reverse("patient_list"), q="a")[0] == small["search"]
    therapist = login(world["therapist"])
    mine, response = _queries(therapist, reverse("patient_list"), page=2)
    assert response.context["page"].number == 2
    assert mine == small["therapist"]
    # The session, the user, staff, second factor, roles, patient record, the count, the
    # page, the audit row (its chain head) and the menu's few.
    assert large <= 14


def test_the_extra_scopes_are_looked_up_once_not_per_row(world):
    """An extra scope (on call, consultation) is ``= ANY(ARRAY(subquery))`` on
    PostgreSQL, so that every arm of the scope's OR can use an index; elsewhere a plain
    ``IN (subquery)``. Either way the same episodes."""
    from tessera.core.access.patients import episode_scope

    user = world["manager"]
    sql = str(Episode.objects.visible_to(user).query)
    if ON_POSTGRES:
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql
    expected = {e.pk for e in Episode.objects.all() if e.clinic_id == world.clinic.pk}
    assert set(Episode.objects.filter(episode_scope(user)).values_list("pk", flat=True)) == (
        expected
    )


@postgres_only
@pytest.mark.parametrize("kind", ["manager", "therapist", "colleague"])
def test_the_staff_episode_scope_never_scans_every_episode(world, kind):
    """Before, the scope's OR with the consultation grants' ``IN (subquery)`` was a
    subplan tested on every episode of the country (×14 pages read at 100× the
    patients); now each arm is an index condition and the grants an InitPlan run once."""
    for queryset in (
        Episode.objects.visible_to(world[kind]),
        Patient.objects.visible_to(world[kind]).real().order_by("last_name")[:25],
    ):
        plan = _plan(queryset)
        assert "SubPlan" not in plan, plan
        assert "Seq Scan on treatment_episode" not in plan, plan


def test_the_audit_search_of_one_clinic_is_ordered_as_its_index(world):
    events = AuditEvent.objects.newest_first([world.clinic.pk])
    assert events.query.order_by == ("clinic_id", "-id")
    assert AuditEvent.objects.newest_first([1, 2]).query.order_by == ("-id",)


@postgres_only
@pytest.mark.parametrize(
    "filters",
    [{}, {"action__startswith": "patient."}, {"at__gte": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}],
)
def test_the_audit_search_page_and_count_read_the_clinics_index(world, filters):
    """The page's ids and the count both walk the clinic's own index, newest first,
    with no sort: the planner has no cheaper plan to pick from (it once walked the
    whole trail by id), and the index holds every column they need (an index-only
    scan where the table is vacuumed). Then only the page's rows are read."""
    for _ in range(3):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    events = AuditEvent.objects.newest_first([world.clinic.pk]).filter(**filters)
    ids = events.values_list("id", flat=True)
    for queryset in (ids[:50], ids[:5001]):
        plan = _plan(queryset, in_order=True, only=AUDIT_TRAIL_INDEXES)
        assert "audit_clinic_newest" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan
    with CaptureQueriesContext(connection) as captured:
        CappedPaginator(ids, 50).count  # noqa: B018
    assert 'ORDER BY "core_auditevent"."clinic_id" ASC' in captured.captured_queries[0]["sql"]


def _audit_page(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("audit_search"), params)
    return response, captured


def test_the_audit_search_reads_a_page_then_its_actors_and_patients_once(world, login):
    """A count, the page's rows, its actors, its patients' names: the same four queries
    for a page of one actor and no patient as for a page of many of each (issue 16)."""
    client = login(world["manager"])
    audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    _response, captured = _audit_page(client)
    few = len(captured)
    people = [world[k] for k in ("therapist", "colleague", "intake", "assessor", "supervisor")]
    for n in range(60):
        patient = world.patient if n % 2 else world.other_patient
        audit.record("patient.viewed", actor=people[n % 5], patient=patient, clinic=world.clinic)
    response, captured = _audit_page(client)
    assert len(captured) == few
    events = response.context["page"].object_list
    expected = list(
        AuditEvent.objects.filter(clinic=world.clinic).order_by("-id").values_list("pk", flat=True)
    )
    assert [e.pk for e in events] == expected[:50]
    html = response.content.decode()
    for person in people:
        assert person.email in html
    assert "Pia Larsson" in html and "Olle Berg" in html
    _response, captured = _audit_page(client, action="audit.", page=1)
    assert len(captured) <= few  # its rows name no patient: no query for names


def test_the_audit_search_names_a_patient_with_no_episode_at_the_clinic(world, login):
    """Names come from the clinic's episode entries; a patient the clinic's trail names
    without an episode there (one of another clinic) is read from the patient rows."""
    audit.record("patient.viewed", patient=world.far_patient, clinic=world.clinic)
    audit.record("patient.viewed", patient=world.patient, clinic=world.clinic)
    events = AuditEvent.objects.newest_first([world.clinic.pk]).as_listed()[:2]
    named = with_patient_names(events, [world.clinic.pk])
    assert [e.patient_name for e in named] == [str(world.patient), str(world.far_patient)]
    page = login(world["manager"]).get(reverse("audit_search"), {"action": "patient."})
    assert str(world.far_patient) in page.content.decode()


@postgres_only
@pytest.mark.parametrize(
    "filters",
    [{}, {"action__startswith": "patient."}, {"at__gte": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}],
)
def test_the_audit_search_page_is_one_index_only_scan(world, filters):
    """Every column the page shows is in ``audit_clinic_newest``: the page's rows are read
    from the index alone, never looked up one by one by their key, and no user or patient
    table is joined (it was hashed whole, or read 50 times)."""
    for _ in range(3):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    listed = AuditEvent.objects.newest_first([world.clinic.pk]).filter(**filters).as_listed()
    plan = _plan(listed[50:100], in_order=True, only=AUDIT_TRAIL_INDEXES)
    assert "Index Only Scan using audit_clinic_newest" in plan, plan
    assert "Join" not in plan and "Nested Loop" not in plan and "pkey" not in plan, plan


@postgres_only
def test_the_audit_search_reads_its_patients_names_from_one_index_range(world):
    names = Episode.objects.filter(
        clinic_id__in=[world.clinic.pk],
        patient_id__gte=world.patient.pk,
        patient_id__lte=world.other_patient.pk,
    ).order_by()
    # The clinic's (clinic, status) index could serve it too, reading every episode of
    # the clinic: left out, the plan shows the range the names index makes for it.
    plan = _plan(
        names.values_list("patient_id", "patient_first_name", "patient_last_name"),
        off=["bitmapscan"],
        only={"treatment_episode": ["episode_clinic_patient"]},
    )
    assert "Index Only Scan using episode_clinic_patient" in plan, plan
    assert "ANY" not in plan, plan  # one range, not a lookup per patient
    assert Episode.objects.patient_names([world.clinic.pk], [world.patient.pk]) == {
        world.patient.pk: "Pia Larsson"
    }


@pytest.mark.parametrize(
    "kind", ["therapist", "manager", "colleague", "other_therapist", "patient", "staff_no_mfa"]
)
def test_the_patient_list_count_from_episodes_is_the_lists_count(world, kind):
    """The list's count comes from the scope's episodes (by index), not from the
    patient rows; it is the same number, training patients left out."""
    from tests.conftest import make_patient

    training, _ = make_patient(world.clinic, "practice@alpha.test", therapist=world["therapist"])
    Patient.objects.filter(pk=training.pk).update(is_training=True)
    make_patient(world.clinic, "second@alpha.test", therapist=world["therapist"])
    user = world[kind]
    expected = Patient.objects.visible_to(user).real().count()
    assert access.count_real_patients_visible_to(user) == expected
    if kind in ("therapist", "manager"):
        assert expected >= 2


@postgres_only
@pytest.mark.parametrize("kind", ["manager", "therapist"])
def test_the_patient_list_count_reads_the_episode_index_alone(world, kind):
    """The count is an index-only scan of the scope's episode entries (the index
    carries the patient and the columns the scope tests): no patient row is read (only
    the few training patients' ids), however many the scope holds."""
    from tessera.core.access.patients import _staff_episode_scope

    episodes = Episode.objects.filter(_staff_episode_scope(world[kind])).real()
    # The two covering indexes alone (the primary key left out too: with it, a bitmap of
    # the therapist's entries and the consulted ones read from the table is as cheap,
    # whenever the statistics make the training patients' list look large).
    plan = _plan(
        episodes.order_by().values("patient_id").distinct(),
        off=["bitmapscan"],
        only={"treatment_episode": EPISODE_LIST_INDEXES[:2]},
    )
    assert "Index Only Scan using episode_" in plan, plan
    assert "Seq Scan on core_patient" not in plan and "core_patient_pkey" not in plan, plan


def test_the_deterioration_check_joins_no_due_row_per_response(world):
    """The baseline ("before treatment") is told by the caseload's few pre-treatment
    dues, a subquery run once by their partial index, not by joining every response to
    its due row (a scan of every due in the country on PostgreSQL)."""
    from tessera.inbox import activity

    ids = list(Episode.objects.filter(clinic=world.clinic).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        activity.deteriorations(ids, timezone.now())
    (sql,) = [q["sql"] for q in captured.captured_queries if "treatment_response" in q["sql"]]
    assert 'JOIN "treatment_duemeasure"' not in sql
    assert '"treatment_duemeasure"."time_point" = ' in sql or "time_point" in sql


@postgres_only
def test_the_caseloads_pre_treatment_dues_come_from_their_partial_index(world):
    from tessera.instruments.time_points import TimePoint
    from tessera.treatment.models import DueMeasure

    ids = list(Episode.objects.filter(clinic=world.clinic).values_list("pk", flat=True))
    # The episode's other indexes serve it too, filtering the time point: left out (and
    # the primary key kept), the partial index must still be the one that serves it.
    plan = _plan(
        DueMeasure.objects.filter(episode__in=ids, time_point=TimePoint.PRE).values("pk"),
        only={"treatment_duemeasure": ["due_pre_by_episode", "treatment_duemeasure_pkey"]},
    )
    assert "due_pre_by_episode" in plan, plan


def test_the_patient_home_asks_nothing_twice(world, login):
    """The unread count (page and menu) and the plan's states (next step and homework
    panel) are asked once per request: no query repeats (issue 16, CPU per request)."""
    client = login(world.patient.user)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    sqls = [q["sql"] for q in captured.captured_queries]
    repeated = {sql for sql in sqls if sqls.count(sql) > 1}
    assert not repeated, repeated
    assert len(sqls) <= 10  # pinned exactly in tests/core/test_patient_home_reads.py


def _estimated_and_actual(episodes) -> tuple[float, int]:
    """The rows the planner expects, from statistics of the episodes as they are, and
    the rows there are. The statistics are gathered on a copy, a temporary table with
    the episode table's extended statistics, in a savepoint rolled back: ANALYZE of the
    episode table itself leaves its row count behind after the test's rollback (pg_class
    is written in place), and the later plan tests of the worker planned for a table of
    800 rows."""
    sql, params = episodes.query.sql_with_params()
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(
                    "CREATE TEMPORARY TABLE episode_copy "
                    "(LIKE treatment_episode INCLUDING STATISTICS)"
                )
                cursor.execute(
                    "SELECT stxname FROM pg_statistic_ext WHERE stxrelid = 'episode_copy'::regclass"
                )
                assert len(cursor.fetchall()) == 1  # core 0021's, copied
                cursor.execute("INSERT INTO episode_copy SELECT * FROM treatment_episode")
                cursor.execute("ANALYZE episode_copy")
                copy = sql.replace('"treatment_episode"', "episode_copy")
                assert copy != sql
                cursor.execute("EXPLAIN (FORMAT JSON) " + copy, params)
                plan = cursor.fetchone()[0]
                raise _RolledBack
        except _RolledBack:
            pass
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"], episodes.count()


@postgres_only
def test_the_planner_knows_a_clinics_therapists_work_there(world):
    """Core 0021: with the clinic and its therapists' ids as two filters, PostgreSQL took
    them as independent and expected fewer rows the more therapists the country has
    (one of the demo clinic's 351 episodes at 100,000 patients, which made the team
    workload start its worksheet query from the wrong end). The extended statistics
    give it the clinic's share."""
    from tessera.core.models import Clinic, User

    clinics = [
        Clinic.objects.create(
            region=world.region, name=f"Stats {c}", slug=f"stats-{c}", country="SE"
        )
        for c in range(4)
    ]
    therapists = {
        clinic.pk: User.objects.bulk_create(
            User(email=f"stats.{clinic.pk}.{t}@example.test") for t in range(25)
        )
        for clinic in clinics
    }
    patients = Patient.objects.bulk_create(
        Patient(first_name="Stats", last_name=str(n), date_of_birth=dt.date(1980, 1, 1))
        for n in range(800)
    )
    Episode.objects.bulk_create(
        Episode(
            patient=patient,
            clinic=clinics[n % 4],
            therapist=therapists[clinics[n % 4].pk][(n // 4) % 25],
        )
        for n, patient in enumerate(patients)
    )
    clinic = clinics[0]
    episodes = Episode.objects.filter(
        clinic=clinic, therapist_id__in=[u.pk for u in therapists[clinic.pk]]
    )
    estimated, actual = _estimated_and_actual(episodes)
    assert actual == 200
    # Independent, it would be about a quarter of the clinic's share (50).
    assert estimated >= actual / 2
