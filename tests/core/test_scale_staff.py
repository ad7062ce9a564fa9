"""The staff pages at national scale (issue 16): the inbox, the staff home and the
on-call scope read the same rows as before without joining rows whose number grows with
the country (patients, every due's clinic, every open alert's episode). Same rows on
both databases; the plans (EXPLAIN) on PostgreSQL, counting scans of a table rather
than naming indexes where the planner may choose among several."""

import datetime as dt
import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import ClinicRole, Episode, Patient
from tessera.inbox import collect, items, scope, worklist
from tessera.portal import staff_lists
from tessera.safety.models import RiskAlert
from tessera.treatment.models import DueMeasure
from tests.conftest import make_patient, sign_in
from tests.core.test_scale import explain
from tests.inbox.inbox_world import overdue

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _plan(sql: str, params=(), *, only=None) -> str:
    """The plan with sequential scans off, read in a savepoint rolled back (explain)."""
    return explain(sql, params, only=only)


def _led_by_episode(table: str) -> list[str]:
    """The table's indexes whose first column is its episode."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
            WHERE x.indrelid = %s::regclass AND a.attname = 'episode_id'
            """,
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _scans(plan: str, table: str) -> list[str]:
    """The plan's lines that read ``table`` (any scan of it, by any index or none)."""
    return [line for line in plan.splitlines() if re.search(rf"Scan.* on {table}\b", line)]


def _overdue_world(world):
    """The therapist's patient with a questionnaire overdue since two days, one due
    earlier today (not overdue), one expired (no longer overdue), and a training
    patient's overdue one (the staff home's overdue list shows it, as before)."""
    now = timezone.now()
    episode = world.episode
    DueMeasure.objects.filter(episode=episode).update(
        completed_at=None, due_at=now - dt.timedelta(days=2), expires_at=now + dt.timedelta(days=5)
    )
    training, training_episode = make_patient(
        world.clinic, "practice@alpha.test", therapist=world["therapist"], first="Tr"
    )
    Patient.objects.filter(pk=training.pk).update(is_training=True)
    for n, (due, expires) in enumerate(
        [
            (now - dt.timedelta(days=3), now + dt.timedelta(days=1)),
            (now - dt.timedelta(minutes=1), now + dt.timedelta(days=1)),
            (now - dt.timedelta(days=9), now - dt.timedelta(days=1)),
        ]
    ):
        DueMeasure.objects.create(
            episode=training_episode,
            instrument="PHQ-9",
            time_point="weekly",
            sequence=n + 1,
            opens_at=due - dt.timedelta(days=1),
            due_at=due,
            expires_at=expires,
        )
    return now


def test_the_staff_homes_overdue_list_is_the_old_querysets(world):
    now = _overdue_world(world)
    user = world["therapist"]
    old = list(
        DueMeasure.objects.visible_to(user)
        .filter(episode__therapist=user)
        .overdue(now)
        .select_related("episode__patient")
        .order_by("due_at", "id")[:20]
    )
    # One row a patient, as the inbox has: each patient's oldest, with all its codes.
    first = {}
    for d in old:
        first.setdefault(d.episode_id, d)
    new = staff_lists.overdue(user, now)
    assert [d.pk for d in new] == [d.pk for d in first.values()]
    assert len(new) >= 2
    assert [str(d.episode.patient) for d in new] == [str(d.episode.patient) for d in first.values()]
    for d in new:
        codes = [o.instrument for o in old if o.episode_id == d.episode_id]
        assert d.instruments == list(dict.fromkeys(codes))
    assert staff_lists.overdue(world["other_therapist"], now) == []


def test_one_patients_overdue_questionnaires_are_one_row_as_in_the_inbox(world, client):
    """A patient with a GAD-7 and a PHQ-9 overdue: the inbox's count says 1, and the
    home page's list under it said two rows; now one, naming both."""
    now = _overdue_world(world)
    episode = world.episode
    overdue(episode, "GAD-7", sequence=99)
    rows = [d for d in staff_lists.overdue(world["therapist"], now) if d.episode.pk == episode.pk]
    assert len(rows) == 1
    assert rows[0].instruments[0] == "GAD-7" and "PHQ-9" in rows[0].instruments
    sign_in(client, world["therapist"])
    page = client.get(reverse("home")).content.decode()
    listed = page.split('id="overdue-heading"')[1].split("</ul>")[0]
    assert listed.count("<li>") == len(staff_lists.overdue(world["therapist"]))
    assert "GAD-7, PHQ-9" in listed


def test_the_staff_homes_caseload_is_the_old_querysets(world):
    _overdue_world(world)
    user = world["therapist"]
    old = (
        Episode.objects.visible_to(user)
        .filter(therapist=user, patient__is_training=False)
        .open()
        .select_related("patient")
    )
    new = staff_lists.with_patients(staff_lists.caseload(user))
    assert [e.pk for e in new] == [e.pk for e in old]
    assert [str(e.patient) for e in new] == [str(e.patient) for e in old]


def test_the_inboxs_overdue_rows_are_the_old_querysets(world):
    now = _overdue_world(world)
    user = world["therapist"]
    episodes = scope.caseload(user, scope.choose(user, None, []))
    caseload = {e.pk: e for e in episodes.select_related("clinic")}
    rows = collect.overdue_questionnaires(caseload, now)
    old = DueMeasure.objects.filter(episode__in=list(caseload)).overdue(now).order_by("due_at")
    assert {row.key for row in rows} == {
        f"due-{DueMeasure.objects.filter(episode_id=e).overdue(now).order_by('due_at', 'id')[0].pk}"
        for e in {d.episode_id for d in old}
    }
    assert rows


def test_the_worklist_reads_no_patient_row(world):
    """The caseload's patients come from the episodes' own copy of the name."""
    user = world["therapist"]
    with CaptureQueriesContext(connection) as captured:
        work = worklist.build(scope.caseload(user, scope.choose(user, None, [])))
        names = {str(item.episode.patient) for item in work.items}
    read = [q["sql"] for q in captured.captured_queries if '"core_patient"' in q["sql"]]
    for sql in read:  # the training patients' short list, the user's own record
        assert 'JOIN "core_patient"' not in sql, sql
        assert '"core_patient"."first_name"' not in sql or '"core_patient"."user_id" =' in sql
    assert names <= {str(p) for p in Patient.objects.all()}


@postgres_only
def test_the_overdue_queries_join_no_episode_or_clinic(world):
    """The inbox's and the staff home's overdue dues: the index on (episode,
    completed_at, due_at), no episode or clinic row per due."""
    now = _overdue_world(world)
    ids = list(Episode.objects.filter(clinic=world.clinic).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        collect.overdue_questionnaires(ids, now)
        staff_lists.overdue(world["therapist"], now)
    dues = [
        q["sql"] for q in captured.captured_queries if 'FROM "treatment_duemeasure"' in q["sql"]
    ]
    assert len(dues) == 2
    for sql in dues:
        assert "JOIN" not in sql, sql
        assert not _scans(_plan(sql), "core_clinic"), sql


@postgres_only
def test_the_staff_home_caseload_reads_no_patient_row(world):
    sql, params = staff_lists.caseload(world["therapist"]).query.sql_with_params()
    plan = _plan(sql, params)
    # Only the training patients' short list (a subquery, aliased u…), never a join.
    patients = _scans(plan, "core_patient")
    assert all(re.search(r"on core_patient u\d", line) for line in patients), plan


def _alerted(world):
    """An unresolved alert at each clinic, on episodes the therapist is not
    responsible for."""
    far_episode = world.far_patient.episodes.get()
    colleague_episode = world.other_patient.episodes.get()
    now = timezone.now()
    for episode in (colleague_episode, far_episode):
        RiskAlert.objects.create(
            episode=episode,
            source="staff",
            severity="high",
            acknowledge_by=now + dt.timedelta(hours=1),
        )
    return colleague_episode, far_episode


def test_the_on_call_scope_shows_its_clinics_alerted_episodes_only(world):
    colleague_episode, far_episode = _alerted(world)
    user = world["therapist"]
    ClinicRole.objects.filter(user=user).update(on_call=True)
    user = type(user).objects.get(pk=user.pk)
    visible = set(Episode.objects.visible_to(user).values_list("pk", flat=True))
    assert colleague_episode.pk in visible  # on call at its clinic, alert open
    assert far_episode.pk not in visible  # an open alert at another clinic
    RiskAlert.objects.filter(episode=colleague_episode).update(
        resolved_at=timezone.now(), action="contacted"
    )
    user = type(user).objects.get(pk=user.pk)
    assert colleague_episode.pk not in set(
        Episode.objects.visible_to(user).values_list("pk", flat=True)
    )


@postgres_only
def test_the_on_call_scope_reads_open_alerts_by_their_partial_index(world):
    """The open alerts are read from their own partial index, never the alert table,
    and only joined to the episodes of the clinics on call."""
    _alerted(world)
    user = world["therapist"]
    ClinicRole.objects.filter(user=user).update(on_call=True)
    user = type(user).objects.get(pk=user.pk)
    sql, params = Episode.objects.visible_to(user).query.sql_with_params()
    # The open alerts could come from the (resolved, acknowledge by) index too, whichever
    # the statistics make cheaper on a few rows: left out, the partial index must serve.
    plan = _plan(
        sql, params, only={"safety_riskalert": ["alert_open_by_episode", "safety_riskalert_pkey"]}
    )
    alerts = _scans(plan, "safety_riskalert")
    assert alerts, plan
    assert all("alert_open_by_episode" in line for line in alerts), plan
    subquery = sql[sql.index("ARRAY(") :]
    assert '"clinic_id" IN' in subquery, sql


@postgres_only
def test_the_team_counts_read_the_caseloads_rows_by_episode_with_one_array(world):
    """The manager's staff home counts (issue 16, decision 0045): the waiting messages,
    the overdue questionnaires and the deterioration check read their tables only by an
    index keyed by episode, the caseload's ids given as one array (``= ANY``), never a
    scan of the table (whose rows grow with the country)."""
    _overdue_world(world)
    user = world["manager"]
    choice = scope.choose(user, None, [])
    assert choice.team
    with CaptureQueriesContext(connection) as captured:
        counted = worklist.tally(scope.caseload(user, choice))
    assert counted.total >= 1
    tables = {
        "messaging_message": 'FROM "messaging_message"',
        "treatment_duemeasure": 'FROM "treatment_duemeasure"',
        "treatment_response": 'FROM "treatment_response"',
    }
    for table, marker in tables.items():
        found = [q["sql"] for q in captured.captured_queries if marker in q["sql"]]
        assert found, table
        for sql in found:
            assert "= ANY(" in sql and '"episode_id" IN (' not in sql, sql
            # The table's indexes keyed by episode only (and no ANALYZE, whose row
            # counts outlive the test's rollback): the plan shows that they serve the
            # query, whatever statistics earlier tests or autovacuum left.
            plan = _plan(sql, only={table: _led_by_episode(table)})
            scans = _scans(plan, table)
            assert scans, sql
            assert all("Seq Scan" not in line for line in scans), plan
            if table != "messaging_message":
                # (The waiting messages of a test world this small are read per episode
                # by their partial index, from the episodes' side; at 1k to 100k
                # patients, by the array: bench/scale.py --detail.)
                # (Or its clinics' range, decisions 0053 and 0057: the query asks for both,
                # and a subquery of another table keeps its own indexes.)
                assert re.search(r"Index Cond: .*(episode|clinic)_id = ANY", plan), plan


CLINIC_INDEXES = {
    "messaging_message": "message_waiting_by_clinic",
    "treatment_duemeasure": "due_open_by_clinic",
    "treatment_response": "response_scored_by_clinic",
    "treatment_worksheetanswer": "worksheet_owed_by_clinic",  # (decision 0064)
}


@postgres_only
def test_a_therapists_counts_and_rows_read_their_clinics_ranges(world):
    """A therapist's staff home and inbox (decision 0057): the waiting messages, the
    overdue questionnaires and the deterioration check ask for the caseload's clinics'
    range (``clinic_id = ANY``), which the clinic-leading partial index serves, its
    first column the clinic, with the caseload's ids only a filter; the overdue and
    waiting rows come from the index alone (it holds every column they read)."""
    _overdue_world(world)
    user = world["therapist"]
    choice = scope.choose(user, None, [])
    assert not choice.team
    with CaptureQueriesContext(connection) as captured:
        counted = worklist.tally(scope.caseload(user, choice))
        worklist.build(scope.caseload(user, choice))
    assert counted.total >= 1
    for table, index in CLINIC_INDEXES.items():
        # (The queries that read the table itself, not as another's subquery, ``U0``.)
        own = re.compile(rf'FROM "{table}"(?! U\d)')
        found = [q["sql"] for q in captured.captured_queries if own.search(q["sql"])]
        assert found, table
        for sql in found:
            assert f'"{table}"."clinic_id" = ANY(' in sql, sql
            # Only the clinic's index (and the primary key) left, no sequential or bitmap
            # scan: the plan shows that it serves the query by the clinic, whatever
            # statistics earlier tests left.
            plan = explain(
                sql, off=("seqscan", "bitmapscan"), only={table: [index, f"{table}_pkey"]}
            )
            scans = _scans(plan, table)
            assert scans and all(f"using {index}" in line for line in scans), plan
            assert re.search(r"Index Cond: .*clinic_id = ANY", plan), plan
            assert not re.search(r"Index Cond: .*episode_id", plan), plan
            if table != "treatment_response" and "COUNT(" not in sql:
                assert all("Index Only Scan" in line for line in scans), plan


@postgres_only
def test_the_caseloads_open_alerts_are_read_from_their_clinics_open_alerts(world):
    """The staff home's count and the inbox's rows of the caseload's open alerts
    (decision 0087): the clinics' open alerts (``alert_by_clinic``, the alert's copy of
    its clinic), the caseload's ids only filtering them (``episode_id + 0``), not one
    descent of ``alert_open_by_episode`` per episode (a team's 629 pages at 100,000
    patients). The same alerts: the caseload's own, not another clinic's."""
    colleague_episode, _far_episode = _alerted(world)
    RiskAlert.objects.create(
        episode=world.episode,
        source="staff",
        severity="urgent",
        acknowledge_by=timezone.now() + dt.timedelta(hours=1),
    )
    found = []
    for who, expected in (("therapist", {world.episode.pk}), ("manager", None)):
        user = world[who]
        choice = scope.choose(user, None, [])
        caseload = scope.caseload(user, choice)
        with CaptureQueriesContext(connection) as captured:
            counted = worklist.tally(caseload)
            built = worklist.build(scope.caseload(user, choice))
        alerted = {item.episode.pk for item in built.of_kind(items.RISK)}
        assert counted.tally[items.RISK] == len(built.of_kind(items.RISK)), who
        if expected is None:  # the team: its clinic's two alerts, not the far clinic's
            expected = {world.episode.pk, colleague_episode.pk}
        assert alerted == expected, who
        own = re.compile(r'FROM "safety_riskalert"(?! U\d)')
        found += [q["sql"] for q in captured.captured_queries if own.search(q["sql"])]
    assert len(found) == 4, found  # the count and the rows, for each
    for sql in found:
        assert '"safety_riskalert"."clinic_id" = ANY(' in sql, sql
        assert '("safety_riskalert"."episode_id" + 0) = ANY(' in sql, sql
        # Every index kept: none can look each episode up (a tiny table may still be
        # read whole by the open alerts' small partial index).
        plan = explain(sql, off=("seqscan", "bitmapscan"))
        assert not re.search(r"Index Cond: .*episode_id", plan), plan
        # The clinic's index (and the key) only: it serves the query by the clinics,
        # whatever statistics earlier tests left, as at scale.
        keep = {"safety_riskalert": ["alert_by_clinic", "safety_riskalert_pkey"]}
        plan = explain(sql, off=("seqscan", "bitmapscan"), only=keep)
        scans = _scans(plan, "safety_riskalert")
        assert scans and all("using alert_by_clinic" in line for line in scans), plan
        assert re.search(r"Index Cond: .*clinic_id = ANY.*resolved_at IS NULL", plan), plan


@postgres_only
def test_the_deterioration_check_reads_the_clinics_range_whatever_the_estimates(world):
    """Decision 0079: the caseload's ids only filter the clinics' range of scored
    responses (``among_ids``: ``episode_id + 0``, which no index's key matches), so the
    planner cannot trade the one range for a descent of the episode index per episode
    when it takes a small clinic for an average one (1M patients: 164 pages, not 37)."""
    _overdue_world(world)
    user = world["therapist"]
    choice = scope.choose(user, None, [])
    with CaptureQueriesContext(connection) as captured:
        worklist.tally(scope.caseload(user, choice))
    own = re.compile(r'FROM "treatment_response"(?! U\d)')
    (sql,) = [q["sql"] for q in captured.captured_queries if own.search(q["sql"])]
    assert '("treatment_response"."episode_id" + 0) = ANY(' in sql, sql
    plan = explain(sql, off=("seqscan", "bitmapscan"))
    assert not re.search(r"Index Cond: .*episode_id", plan), plan
    assert re.search(r"Index Cond: .*clinic_id = ANY", plan), plan


def test_the_staff_homes_unlock_rules_are_the_joined_ones_without_a_join(world):
    """Decision 0079: each episode's programme unlock rule (None without a version) as
    the join to its programme version gives it, read by one ``IN`` of the versions per
    rule, not a join (which a caseload estimated at one row made one scan of the version
    table per episode). Both ways of reading (the staff home's rows and the queryset)."""
    from tessera.inbox.collect import UNLOCK_RULE
    from tests.plan_fixtures import _programme

    user = world["therapist"]
    region = world.clinic.region
    versions = [
        _programme(region, f"p-{rule}", rule, [], unlock_rule=rule)
        for rule in ("manual", "weekly", "after_previous")
    ]
    for n in range(3):
        make_patient(world.clinic, f"rule{n}@alpha.test", therapist=user)
    episodes = list(Episode.objects.filter(therapist=user).order_by("pk"))
    assert versions and len(episodes) >= 2
    Episode.objects.filter(pk=episodes[0].pk).update(programme_version=None)
    for n, episode in enumerate(episodes[1:]):
        Episode.objects.filter(pk=episode.pk).update(programme_version=versions[n % len(versions)])
    joined = dict(Episode.objects.filter(therapist=user).values_list("pk", UNLOCK_RULE))
    assert None in joined.values()
    roles = ClinicRole.objects.filter(user=user).select_related("clinic")
    clinics = {role.clinic_id: role.clinic for role in roles}
    for read in (staff_lists.responsible_for(user), staff_lists.responsible_for(user, clinics)):
        assert {e.pk: e.programme_unlock_rule for e in read} == joined
    with CaptureQueriesContext(connection) as captured:
        staff_lists.responsible_for(user, clinics)
    (sql,) = [q["sql"] for q in captured.captured_queries if 'FROM "treatment_episode"' in q["sql"]]
    assert 'JOIN "programs_programmeversion"' not in sql, sql
