"""The team workload at national scale (issue 16, decision 0058): the reply times read
the clinic's messages by the message's own copy of its episode's clinic, one range of
``message_from_patient_by_clinic``, and show the same figures as before (hand-worked
below), for a patient moved to another clinic, an ended episode and a practice patient
too.

The weeks are those of ``test_workload_figures``: Stockholm, Monday to Friday 08:00-16:00,
replies within 16 working hours, "now" Thursday 26 November 2026 13:00 (12:00 UTC)."""

from __future__ import annotations

import time

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.middleware import IdleTimeoutMiddleware
from tessera.core.models import Episode
from tessera.workload.figures import clinic_workload, clinics_workload
from tests.conftest import make_patient
from tests.core.test_scale import ON_POSTGRES, explain, postgres_only
from tests.workload.test_workload_figures import NOW, at, created, message
from tests.workload.test_workload_figures import week as week  # noqa: F401 (fixture)

HOUR = 3600


def _this_week(clinic, therapist):
    with time_machine.travel(NOW, tick=False):
        (row,) = clinic_workload(clinic, therapist_ids=[therapist.pk], weeks=2)
    return row.weeks[0], row.weeks[1]


def _replies(week):
    m = week.messages
    return sorted(m.answered_seconds), m.within_target, m.late_waiting, m.decided


def test_the_weeks_messages_as_before(week):
    """The fixture's hand-worked week, unchanged: two answered (6 h, 22 h), one late and
    waiting, one not yet due; automated, the therapist's own and the practice patient's
    left out."""
    this, last = _this_week(week.clinic, week["therapist"])
    assert _replies(this) == ([6 * HOUR, 22 * HOUR], 1, 1, 3)
    assert _replies(last) == ([11 * HOUR], 1, 0, 1)


def test_a_message_of_an_ended_episode_still_counts(week):
    """An episode that ended last Friday: its patient may still write, and the reply
    time counts for the episode's therapist (as before)."""
    ended = Episode.objects.get(therapist=week["therapist"], status="ended")
    message(ended, at(2026, 11, 23, 8), at(2026, 11, 23, 12))  # Mon 09-13: 4 h
    this, _last = _this_week(week.clinic, week["therapist"])
    assert _replies(this) == ([4 * HOUR, 6 * HOUR, 22 * HOUR], 2, 1, 4)


def test_a_patient_moved_to_another_clinic_counts_there(week):
    """The second patient (22 h reply, and a message not yet due) moves to beta with its
    therapist: alpha's weeks lose them, beta's therapist has them; no message is
    counted twice or lost."""
    moved = Episode.objects.filter(therapist=week["therapist"], clinic=week.clinic)
    moved = moved.exclude(pk=week.episode.pk).filter(patient__is_training=False)
    moved = moved.exclude(status="ended").order_by("pk").first()
    Episode.objects.filter(pk=moved.pk).update(
        clinic=week.other_clinic, therapist=week["other_therapist"]
    )
    this, last = _this_week(week.clinic, week["therapist"])
    assert _replies(this) == ([6 * HOUR], 1, 1, 2)
    assert _replies(last) == ([11 * HOUR], 1, 0, 1)
    there, _ = _this_week(week.other_clinic, week["other_therapist"])
    assert _replies(there) == ([22 * HOUR], 0, 0, 1)
    # Both clinics in one reading (a region's dashboard): the same.
    with time_machine.travel(NOW, tick=False):
        both = clinics_workload([week.clinic, week.other_clinic], weeks=1)
    by_user = {row.therapist.pk: _replies(row.weeks[0]) for rows in both.values() for row in rows}
    assert by_user[week["therapist"].pk] == ([6 * HOUR], 1, 1, 2)
    assert by_user[week["other_therapist"].pk] == ([22 * HOUR], 0, 0, 1)


def test_a_patient_moved_without_their_therapist_counts_for_nobody(week):
    """Moved to beta but still with alpha's therapist (not a therapist at beta): neither
    clinic's table has them, as before."""
    moved = Episode.objects.filter(therapist=week["therapist"], clinic=week.clinic)
    moved = moved.exclude(pk=week.episode.pk).filter(patient__is_training=False)
    moved = moved.exclude(status="ended").order_by("pk").first()
    Episode.objects.filter(pk=moved.pk).update(clinic=week.other_clinic)
    this, _ = _this_week(week.clinic, week["therapist"])
    assert _replies(this) == ([6 * HOUR], 1, 1, 2)
    with time_machine.travel(NOW, tick=False):
        beta = clinic_workload(week.other_clinic, weeks=1)
    assert all(_replies(row.weeks[0]) == ([], 0, 0, 0) for row in beta)


def test_a_practice_patients_messages_never_count(week):
    """The practice patient's message is left out; made a real patient, it counts."""
    from tessera.core.models import Patient

    this, _ = _this_week(week.clinic, week["therapist"])
    assert this.messages.decided == 3
    Patient.objects.filter(is_training=True).update(is_training=False)
    this, _ = _this_week(week.clinic, week["therapist"])
    # Monday 09:00 local, never answered: 27 working hours by now, late.
    assert _replies(this) == ([6 * HOUR, 22 * HOUR], 1, 2, 4)


def test_a_therapist_with_no_patients_on_the_team_page(world, login):
    """The colleague has no patients this week: a row of empty figures."""
    Episode.objects.filter(therapist=world["colleague"]).update(therapist=world["therapist"])
    with time_machine.travel(NOW, tick=False):
        page = login(world["manager"]).get(reverse("team_workload", args=["alpha"]))
    rows = {therapist.pk: shown for therapist, shown, _weeks, _leave in page.context["rows"]}
    empty = rows[world["colleague"].pk]
    assert (empty.caseload, empty.minutes, empty.messages.decided) == (0, 0, 0)
    assert empty.worksheets.decided == 0


def _team_page_queries(client):
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time())  # the session is just seen
    session.save()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("team_workload", args=["alpha"])).status_code == 200
    return captured


def test_the_team_page_costs_the_same_for_small_and_large_clinics(world, login, read_from_database):
    """Pinned per database: the session, the user and roles, the clinic, the paginated
    therapists (their roles, with the names they keep: decision 0064), the four of the
    figures, who is on leave (decision 0146) and the menu. The audit record is one statement
    on PostgreSQL and five on SQLite (decision 0054)."""
    client = login(world["manager"])
    small = len(_team_page_queries(client))
    for n in range(12):
        _, episode = make_patient(world.clinic, f"many{n}@alpha.test", therapist=world["therapist"])
        created(episode, at(2026, 11, 2, 9))
        message(episode, at(2026, 11, 23, 8), at(2026, 11, 23, 9))
    large = len(_team_page_queries(client))
    assert small == large == (EXPECTED_POSTGRES if ON_POSTGRES else EXPECTED_SQLITE)


EXPECTED_POSTGRES = 13
EXPECTED_SQLITE = 13


@postgres_only
def test_the_reply_times_read_one_range_of_the_clinics_messages(week):
    """The messages query's plan, with the message table's other indexes dropped: the
    clinic and the week are the index's range (its ``Index Cond``), from patients and not
    automated its condition; nothing of it is left to a filter of the rows read."""
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        clinic_workload(week.clinic, therapist_ids=[week["therapist"].pk])
    (sql,) = [q["sql"] for q in captured if 'FROM "messaging_message"' in q["sql"]]
    plan = explain(
        sql,
        off=("seqscan", "bitmapscan"),
        only={"messaging_message": {"message_from_patient_by_clinic"}},
    )
    rows = plan.splitlines()
    (at_scan,) = [n for n, row in enumerate(rows) if "using message_from_patient_by_clinic" in row]
    assert "Index Only Scan" in rows[at_scan], plan  # the row's heap page is not read
    cond, *rest = rows[at_scan + 1 : at_scan + 3]
    assert "Index Cond" in cond and "clinic_id" in cond and "sent_at" in cond, plan
    assert not any("Filter" in row and "messaging_message" in row for row in rest), plan
    assert "Sort" not in plan, plan  # no order asked: the figures sort nothing


def test_the_team_page_lists_its_therapists_in_the_databases_name_order(world, login):
    """Read from the roles' copy of the names (decisions 0058, 0064): the same order as
    the roles joined to their users and sorted by the database (its collation, not
    Python's)."""
    from tessera.core import access, actions
    from tessera.core.roles import Role
    from tests.conftest import make_user

    for n, (first, last) in enumerate([("Bo", "Öst"), ("Al", "Åberg"), ("Cy", "ahl")]):
        user = make_user(f"order{n}@alpha.test", second_factor=True, last_name=last)
        user.first_name = first
        user.save()
        actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    expected = list(
        access.therapist_roles([world.clinic.pk])
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("user_id", flat=True)
    )
    page = login(world["manager"]).get(reverse("team_workload", args=["alpha"]))
    assert [therapist.pk for therapist, _shown, _weeks, _leave in page.context["rows"]] == expected


def _worksheet_sent(week, submitted, feedback=None):
    from tessera.treatment.models import WorksheetAnswer
    from tests.plan_fixtures import build_plan

    plan = build_plan(week)
    step = plan.activity.steps.get(position=2)
    return WorksheetAnswer.objects.create(
        entry=plan.entry, step=step, submitted_at=submitted, feedback_at=feedback
    )


def _worksheets(week):
    w = week.worksheets
    return sorted(w.answered_seconds), w.within_target, w.late_waiting, w.decided


def test_a_worksheet_answer_keeps_its_episodes_clinic(week):
    """The answer's copy of its clinic (treatment 0018, decision 0064) follows the
    episode, and the plan entry moved to another episode; a save of the answer from an
    object that never read the copy does not clear it."""
    from tessera.treatment.models import PlanEntry, WorksheetAnswer

    answer = _worksheet_sent(week, at(2026, 11, 24, 8), at(2026, 11, 24, 10))
    assert WorksheetAnswer.objects.get(pk=answer.pk).clinic_id == week.clinic.pk
    answer.feedback_at = at(2026, 11, 24, 11)
    answer.save()  # (the object's clinic_id is None: the database wrote it)
    assert WorksheetAnswer.objects.get(pk=answer.pk).clinic_id == week.clinic.pk
    Episode.objects.filter(pk=week.episode.pk).update(clinic=week.other_clinic)
    assert WorksheetAnswer.objects.get(pk=answer.pk).clinic_id == week.other_clinic.pk
    far = Episode.objects.get(patient=week.far_patient)
    Episode.objects.filter(pk=week.episode.pk).update(clinic=week.clinic)
    PlanEntry.objects.filter(pk=answer.entry_id).update(episode=far)
    assert WorksheetAnswer.objects.get(pk=answer.pk).clinic_id == far.clinic_id


def test_a_worksheets_reply_time_counts_where_the_patient_is(week):
    """Tue 09:00 to 11:00: 2 working hours, within the target, for alpha's therapist;
    moved with a therapist of beta, it counts there and no longer at alpha."""
    _worksheet_sent(week, at(2026, 11, 24, 8), at(2026, 11, 24, 10))
    this, _ = _this_week(week.clinic, week["therapist"])
    assert _worksheets(this) == ([2 * HOUR], 1, 0, 1)
    Episode.objects.filter(pk=week.episode.pk).update(
        clinic=week.other_clinic, therapist=week["other_therapist"]
    )
    this, _ = _this_week(week.clinic, week["therapist"])
    assert _worksheets(this) == ([], 0, 0, 0)
    there, _ = _this_week(week.other_clinic, week["other_therapist"])
    assert _worksheets(there) == ([2 * HOUR], 1, 0, 1)


@postgres_only
def test_the_worksheet_reply_times_read_one_range_of_the_clinics_answers(week):
    """As the messages: the clinic and the weeks are the range of
    ``worksheet_sent_by_clinic`` (the answer's copy of its clinic), read from the index
    alone; not the country's answers sent in the weeks (decision 0064)."""
    _worksheet_sent(week, at(2026, 11, 24, 8), at(2026, 11, 24, 10))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        clinic_workload(week.clinic, therapist_ids=[week["therapist"].pk])
    (sql,) = [q["sql"] for q in captured if 'FROM "treatment_worksheetanswer"' in q["sql"]]
    plan = explain(
        sql,
        off=("seqscan", "bitmapscan"),
        only={"treatment_worksheetanswer": {"worksheet_sent_by_clinic"}},
    )
    rows = plan.splitlines()
    (at_scan,) = [n for n, row in enumerate(rows) if "using worksheet_sent_by_clinic" in row]
    assert "Index Only Scan" in rows[at_scan], plan
    cond = rows[at_scan + 1]
    assert "Index Cond" in cond and "clinic_id" in cond and "submitted_at" in cond, plan
    assert "Sort" not in plan, plan


def test_the_reply_times_join_no_episode(week):
    """The messages and worksheets are read by their clinic's range alone; their episodes'
    therapists come from the caseload's reading of the clinic's episodes (decision 0079):
    joined, the planner read the episodes by one descent of the therapist index per
    therapist, a level deeper as the country grows. Still five queries in all."""
    _worksheet_sent(week, at(2026, 11, 24, 8), at(2026, 11, 24, 10))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        clinic_workload(week.clinic, therapist_ids=[week["therapist"].pk])
    replies = [
        q["sql"]
        for q in captured
        if 'FROM "messaging_message"' in q["sql"] or 'FROM "treatment_worksheetanswer"' in q["sql"]
    ]
    assert len(replies) == 2
    assert not any('"treatment_episode"' in sql for sql in replies), replies
    assert len(captured) == 5


def test_the_time_entries_join_no_episode(week):
    """The week's time entries are read by their therapists and days alone, each counted
    in the clinic of its episode as the caseload read it (issue 16): joined, PostgreSQL
    hashed the clinic's whole range of episodes for the week's few entries. An entry on
    a practice patient or another clinic's patient is still left out (the figures of
    ``test_workload_figures`` are unchanged)."""
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        clinic_workload(week.clinic, therapist_ids=[week["therapist"].pk])
    (entries,) = [q["sql"] for q in captured if 'FROM "workload_timeentry"' in q["sql"]]
    assert '"treatment_episode"' not in entries, entries
    assert len(captured) == 5
