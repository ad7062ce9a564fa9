"""The pages a clinic uses daily beyond the main ones (``bench/scale.py --secondary``,
issue 16, decision 0082): reads that joined a row of the country's users or patients to
each row they show, pinned by the SQL they send (and by EXPLAIN on PostgreSQL). Each
test fails on the read as it was before."""

import datetime as dt
import os
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core import access
from tessera.core.models import AuditEvent, ClinicRole, Episode, Patient
from tessera.core.roles import Role

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _selects(captured) -> list[str]:
    """The reads captured, without Django's own probe of SQLite's JSON support: it runs
    once per connection object, at the first JSON column used, which after a test that
    made a new connection (a journey's live server) can be inside the captured block."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip("(").startswith("SELECT") and not q["sql"].startswith("SELECT JSON(")
    ]


def test_the_therapists_loads_read_no_user_and_no_patient_row(world):
    """The application page's therapists with their caseloads (intake): the users from
    their roles' copy, the practice patients left out by their short list (644 pages at
    100,000 patients for the join on each episode's patient, now 11)."""
    from tessera.intake.capacity import therapist_loads

    with CaptureQueriesContext(connection) as captured:
        loads = therapist_loads(world.clinic)
        names = [str(load.user) for load in loads]
    sql = _selects(captured)
    assert len(sql) == 2, sql
    assert all('"core_user"' not in q for q in sql), sql
    count = next(q for q in sql if "treatment_episode" in q)
    assert 'JOIN "core_patient"' not in count, count
    assert str(world["therapist"]) in names
    therapist = next(load for load in loads if load.user.pk == world["therapist"].pk)
    assert (
        therapist.caseload
        == Episode.objects.filter(clinic=world.clinic, therapist=world["therapist"])
        .exclude(status=Episode.Status.ENDED)
        .count()
    )


def test_a_practice_patient_still_does_not_count_in_a_caseload(world):
    from tessera.intake.capacity import therapist_loads

    before = {load.user.pk: load.caseload for load in therapist_loads(world.clinic)}
    Patient.objects.filter(pk=world.patient.pk).update(is_training=True)
    after = {load.user.pk: load.caseload for load in therapist_loads(world.clinic)}
    assert after[world["therapist"].pk] == before[world["therapist"].pk] - 1


def test_the_audit_search_by_name_reads_the_episodes_copy_of_the_names(world):
    from tessera.core.views.audit_trail import matching_patients

    Patient.objects.filter(pk=world.patient.pk).update(national_id="199004121234")
    with CaptureQueriesContext(connection) as captured:
        assert matching_patients({world.clinic.pk}, "pia larss") == [world.patient.pk]
    (sql,) = _selects(captured)
    assert 'JOIN "core_patient"' not in sql and '"patient_last_name"' in sql, sql
    # The identity number, with or without its separators, by its own index.
    assert matching_patients({world.clinic.pk}, "19900412-1234") == [world.patient.pk]
    assert matching_patients({world.clinic.pk}, "199004121234") == [world.patient.pk]
    # Not a patient of these clinics; no patient for separators alone.
    assert matching_patients({world.other_clinic.pk}, "pia larss") == []
    assert matching_patients({world.clinic.pk}, " - ") == []


def test_the_audit_search_by_patient_shows_that_patients_events_newest_first(world, client, login):
    login(world["manager"])
    response = client.get("/audit/", {"patient": world.patient.pk})
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows and {e.patient_id for e in rows} == {world.patient.pk}
    assert [e.pk for e in rows] == sorted((e.pk for e in rows), reverse=True)
    expected = AuditEvent.objects.filter(clinic=world.clinic, patient=world.patient).count()
    assert response.context["page"].paginator.count == min(expected, 5001)


@postgres_only
def test_the_audit_search_by_patient_is_led_by_the_patients_entries(world):
    """Not ANDed with the clinic's whole range of (clinic, -at): the clinic only filters
    (``+ 0``), the patient's own index entries are the way in."""
    events = AuditEvent.objects.of_patient_newest_first([world.clinic.pk], world.patient.pk)
    sql, params = events.query.sql_with_params()
    assert '("core_auditevent"."clinic_id" + 0) = ANY(' in sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "core_audite_patient_7c560f_idx" in plan, plan
    assert "core_audite_clinic__7a240f_idx" not in plan and "audit_clinic_newest" not in plan


def test_a_thread_reads_each_author_once_not_a_user_per_message(world):
    from tessera.messaging import actions
    from tessera.messaging.conversation import page_of

    for n in range(6):
        author = world.patient.user if n % 2 else world["therapist"]
        actions.do_send_message(
            world.episode,
            acting_user=author,
            body=f"Message {n}",
            submission_key=uuid.uuid4(),
            risk_acknowledged=True,
        )
    # Seen by a colleague: the therapist's messages name her, read once (the episode
    # read here without her); the patient's say "The patient", no login read for them
    # (decision 0090).
    episode = Episode.objects.get(pk=world.episode.pk)
    with CaptureQueriesContext(connection) as captured:
        _page, views = page_of(episode, 1, viewer=world["manager"])
        authors = {str(v.message.author) for v in views if not v.message.from_patient}
    sql = _selects(captured)
    thread = next(q for q in sql if 'FROM "messaging_message"' in q)
    assert '"core_user"' not in thread, thread
    users = [q for q in sql if 'FROM "core_user"' in q]
    assert len(users) == 1, sql
    assert authors == {str(world["therapist"])}


def test_the_clinics_therapists_by_name_come_from_their_roles(world):
    with CaptureQueriesContext(connection) as captured:
        people = access.active_therapists_by_name(world.clinic)
        names = [str(p) for p in people]
    (sql,) = _selects(captured)
    assert '"core_user"' not in sql, sql
    expected = access.therapists(world.clinic).order_by("first_name", "last_name", "pk")
    assert [p.pk for p in people] == [u.pk for u in expected]
    assert names == [str(u) for u in expected]


def test_a_closed_account_is_not_offered_for_sessions(world):
    therapist = world["therapist"]
    therapist.is_active = False
    therapist.save(update_fields=["is_active"])  # the role's copy follows (core 0023)
    assert therapist.pk not in {p.pk for p in access.active_therapists_by_name(world.clinic)}


def test_the_leavers_test_reads_the_roles_copy_not_the_user_table(world):
    sql = str(access.needing_new_therapist(Episode.objects.filter(clinic=world.clinic)).query)
    assert '"core_user"' not in sql, sql
    # Still: a therapist whose account was closed has left.
    therapist = world["therapist"]
    assert not access.needing_new_therapist(Episode.objects.filter(pk=world.episode.pk)).exists()
    therapist.is_active = False
    therapist.save(update_fields=["is_active"])
    assert access.needing_new_therapist(Episode.objects.filter(pk=world.episode.pk)).exists()


def test_the_staff_page_joins_no_user_to_its_roles(world, client, login):
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/clinics/{world.clinic.slug}/staff/")
    assert response.status_code == 200
    roles = [q for q in _selects(captured) if 'FROM "core_clinicrole"' in q and "ORDER BY" in q]
    assert roles and all('JOIN "core_user"' not in q for q in roles), roles
    people = [p["user"].pk for p in response.context["people"]]
    held = ClinicRole.objects.filter(clinic=world.clinic)
    assert sorted(people) == sorted(set(held.values_list("user_id", flat=True)))


def test_the_staff_page_reads_no_user_of_its_people(world, client, login):
    """Whether each person has signed in comes from the roles' copy (core 0027), as
    their names do: no user read by key per person (38 pages at 100,000 patients),
    only the signed-in manager's own row (decision 0083)."""
    login(world["manager"])
    url = f"/clinics/{world.clinic.slug}/staff/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    users = [q for q in _selects(captured) if 'FROM "core_user"' in q]
    assert len(users) <= 1 and all(str(world["manager"].pk) in q for q in users), users
    shown = {p["user"].pk: p for p in response.context["people"]}
    therapist = shown[world["therapist"].pk]
    assert str(therapist["user"]) == str(world["therapist"])
    assert therapist["user"].email == world["therapist"].email
    assert not therapist["invited"]


def test_the_dashboards_therapists_come_from_their_roles(world):
    from tessera.workload.figures import clinics_workload

    with CaptureQueriesContext(connection) as captured:
        figures = clinics_workload([world.clinic], now=dt.datetime.now(dt.UTC))
    roles = [q for q in _selects(captured) if 'FROM "core_clinicrole"' in q]
    assert roles and all('"core_user"' not in q for q in roles), roles
    shown = {f.therapist.pk for f in figures[world.clinic.pk]}
    assert shown == set(
        ClinicRole.objects.filter(clinic=world.clinic, role=Role.THERAPIST).values_list(
            "user_id", flat=True
        )
    )


def test_my_questionnaires_join_no_patient_row(world, client, login):
    login(world.patient.user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/me/questionnaires/")
    assert response.status_code == 200
    reads = [
        q
        for q in _selects(captured)
        if 'FROM "treatment_duemeasure"' in q or 'FROM "treatment_response"' in q
    ]
    assert len(reads) == 2 and all('JOIN "core_patient"' not in q for q in reads), reads
    shown = {d.pk for d in response.context["open"] + response.context["later"]}
    assert world.due.pk in shown  # the world's PHQ-9, not answered yet
    assert {d.episode_id for d in response.context["open"] + response.context["later"]} == {
        world.episode.pk
    }
    assert [r.pk for r in response.context["done"]] == [world.response.pk]


def test_the_outcome_reports_therapist_filter_comes_from_the_roles(world, client, login):
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/reports/clinics/{world.clinic.slug}/outcomes/")
    assert response.status_code == 200
    assert all('"core_user"' not in q or "core_identity" in q for q in _selects(captured)[2:])
    choices = response.context["form"].fields["therapist"].choices
    expected = access.therapists(world.clinic).order_by("pk")
    assert [pk for pk, _label in choices if pk] == [u.pk for u in expected]


def test_the_overviews_latest_messages_name_their_authors_without_a_user_per_message(world):
    """The therapist's messages take the therapist the overview read; another author
    (a colleague) is read once; a patient's message needs none."""
    from tessera.messaging import actions
    from tessera.messaging.conversation import latest

    def send(author, body):
        actions.do_send_message(
            world.episode,
            acting_user=author,
            body=body,
            submission_key=uuid.uuid4(),
            risk_acknowledged=True,
        )

    send(world["therapist"], "From the therapist")
    send(world.patient.user, "From the patient")
    episode = Episode.objects.select_related("therapist").get(pk=world.episode.pk)
    with CaptureQueriesContext(connection) as captured:
        messages = latest(episode)
        staff = [m for m in messages if not m.from_patient]
        names = [m.author.get_full_name() for m in staff]
    (sql,) = _selects(captured)
    assert '"core_user"' not in sql, sql
    assert names == [world["therapist"].get_full_name()]
    assert staff[0].author is episode.therapist

    send(world["manager"], "From the manager")  # may write: a clinic-wide role
    episode = Episode.objects.select_related("therapist").get(pk=world.episode.pk)
    with CaptureQueriesContext(connection) as captured:
        messages = latest(episode)
        authors = [m.author.pk for m in messages if not m.from_patient]
    sql = _selects(captured)
    assert len(sql) == 2 and 'FROM "core_user"' in sql[1], sql
    assert authors == [world["therapist"].pk, world["manager"].pk]


def test_latest_scores_tell_the_baseline_without_reading_each_answers_due(world):
    """Supervision and the caseload page: the "before treatment" dues of the episodes
    read once (a subquery on ``due_pre_by_episode``), not each answer's due by key."""
    from tessera.treatment.latest_scores import latest_scores

    with CaptureQueriesContext(connection) as captured:
        scores = latest_scores([world.episode.pk], language="en")
    (sql,) = _selects(captured)
    assert 'JOIN "treatment_duemeasure"' not in sql, sql
    assert [s.code for s in scores[world.episode.pk]] == ["GAD-7"]  # the world's one answer


def test_id_runs_are_ranges_of_consecutive_ids():
    from tessera.core.id_lists import id_runs

    assert id_runs([9, 3, 5, 4, 4]) == [(3, 5), (9, 9)]
    assert id_runs([]) == []


def test_the_plan_page_reads_its_answers_by_runs_of_the_entries_ids(world, client, login):
    """The plan's entries, current and removed, read once; their sent answers by the
    runs of those ids (``BETWEEN``), each given its entry: no join to the plan entries
    (one descent of the answers' index per entry, and of the entries' key per answer)
    nor to the modules (decision 0083). The page shows the same."""
    from django.utils import timezone

    from tessera.treatment.actions import plans as plan_actions
    from tessera.treatment.models import WorksheetAnswer
    from tests.plan_fixtures import build_plan

    plan = build_plan(world)
    now = timezone.now()
    WorksheetAnswer.objects.create(
        entry=plan.entry, step=plan.activity.steps.last(), values={}, submitted_at=now
    )
    plan_actions.do_remove_module(plan.entry, acting_user=world["therapist"], reason="not now")
    login(world["therapist"])
    url = f"/patients/{world.patient.pk}/plan/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    sql = _selects(captured)
    answers = [q for q in sql if 'FROM "treatment_worksheetanswer"' in q]
    assert len(answers) == 1 and "BETWEEN" in answers[0], answers
    assert 'JOIN "treatment_planentry"' not in answers[0], answers
    entries = [q for q in sql if 'FROM "treatment_planentry"' in q]
    assert len(entries) == 1 and 'JOIN "programs_module"' not in entries[0], entries
    (sent,) = response.context["sent"]
    assert sent.entry.pk == plan.entry.pk
    assert [e.pk for e in response.context["removed"]] == [plan.entry.pk]
    page = response.content.decode()
    assert plan.activity.title in page.split("Worksheets the patient has sent")[1]
    if ON_POSTGRES:
        (query,) = [q for q in captured.captured_queries if q["sql"] == answers[0]]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + query["sql"])
            plan_text = "\n".join(row[0] for row in cursor.fetchall())
        # One range of an index on the entry (a descent for the run), not one per entry.
        assert "Index Cond: ((entry_id >= " in plan_text, plan_text
        assert "treatment_planentry" not in plan_text, plan_text


def test_the_overviews_worksheets_come_by_runs_of_the_entries_ids(world):
    """The overview's latest answers sent: the plan's entries once (a removed module's
    answers too), the answers by the runs of their ids, no join to the entries nor to
    the user who gave feedback (the therapist the overview read; decision 0083)."""
    from django.test import RequestFactory
    from django.utils import timezone

    from tessera.inbox.sections import load_worksheets
    from tessera.treatment.actions import plans as plan_actions
    from tessera.treatment.models import WorksheetAnswer
    from tests.plan_fixtures import build_plan

    plan = build_plan(world)
    now = timezone.now()
    answer = WorksheetAnswer.objects.create(
        entry=plan.entry,
        step=plan.activity.steps.last(),
        values={},
        submitted_at=now,
        feedback_at=now,
        feedback_by=world["therapist"],
    )
    plan_actions.do_remove_module(plan.entry, acting_user=world["therapist"], reason="not now")
    episode = Episode.objects.select_related("therapist").get(pk=world.episode.pk)
    with CaptureQueriesContext(connection) as captured:
        shown = load_worksheets(RequestFactory().get("/"), episode)["answers"]
        titles = [(a.entry.module_version.title, str(a.feedback_by)) for a in shown]
    sql = _selects(captured)
    assert len(sql) == 2, sql
    read = next(q for q in sql if 'FROM "treatment_worksheetanswer"' in q)
    assert "BETWEEN" in read and "JOIN" not in read.split("WHERE")[0].replace(
        'JOIN "programs_step"', ""
    ), read
    assert [a.pk for a in shown] == [answer.pk]
    assert titles == [(plan.activity.title, str(world["therapist"]))]


def test_the_letters_page_reads_each_writer_once_not_a_user_per_letter(world, client, login):
    """A patient's letters: their writers once each (none when there is no letter), not
    the users' key joined to the letters (decision 0083). The page names them as before."""
    from tessera.letters.models import Letter

    login(world["therapist"])
    url = f"/episodes/{world.episode.pk}/letters/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    letters = [q for q in _selects(captured) if 'FROM "letters_letter"' in q]
    assert len(letters) == 1 and '"core_user"' not in letters[0], letters
    for n in range(3):
        Letter.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            episode=world.episode,
            kind=Letter._meta.get_field("kind").choices[0][0],
            language="en",
            html="",
            recipient_name=f"Dr {n}",
            created_by=world["therapist"],
        )
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # (The signed-in user is read by ``get``, with its LIMIT.)
    writers = [q for q in _selects(captured) if 'FROM "core_user"' in q and "LIMIT" not in q]
    assert len(writers) == 1, writers  # the three letters' one writer, once
    assert response.content.decode().count(str(world["therapist"])) >= 3


def test_the_audit_search_by_name_walks_the_clinics_range_the_patients_filtering(
    world, client, login
):
    """The patients matched by name only filter the clinic's range of
    ``audit_clinic_newest`` (``patient_id + 0``): the count and the page stay index-only
    scans of it, not a read of each matched patient's events from the table (decision
    0083). The rows are the same."""
    login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/audit/", {"who": "pia larss"})
    assert response.status_code == 200
    reads = [q for q in _selects(captured) if 'FROM "core_auditevent"' in q]
    assert reads
    rows = list(response.context["page"].object_list)
    expected = AuditEvent.objects.filter(clinic=world.clinic, patient=world.patient)
    assert {e.pk for e in rows} == set(expected.order_by("-id").values_list("pk", flat=True)[:50])
    if ON_POSTGRES:
        assert all('("core_auditevent"."patient_id" + 0) = ANY(' in q for q in reads), reads
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + reads[-1])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # The clinic's range is the way in (on a tiny table the planner may take either
        # of the clinic's indexes), never the patients' own entries.
        assert "Index Cond: (clinic_id = " in plan, plan
        assert "core_audite_patient_7c560f_idx" not in plan, plan


@postgres_only
def test_consultations_are_read_from_the_users_requests_the_clinics_only_filtering(world):
    """Asked of me and asked by me: the user's requests, each episode by key, the
    clinics only filtering (``clinic_id + 0``): not the clinics' whole range of episodes
    for a therapist's few requests, or none (decision 0083)."""
    from tessera.consultation.models import ConsultationRequest

    for mine in (
        ConsultationRequest.objects.asked_of(world["therapist"]),
        ConsultationRequest.objects.asked_by(world["therapist"]),
    ):
        sql, params = mine.query.sql_with_params()
        assert '("treatment_episode"."clinic_id" + 0) = ANY(' in sql, sql
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "episode_clinic_patient" not in plan, plan


def test_consultations_still_need_a_clinical_role_at_the_episodes_clinic(world):
    from tessera.consultation.models import ConsultationRequest

    asked = ConsultationRequest.objects.asked_of(world["therapist"])
    assert set(asked.values_list("pk", flat=True)) == set(
        ConsultationRequest.objects.filter(
            colleague=world["therapist"], episode__clinic=world.clinic
        ).values_list("pk", flat=True)
    )


def _alert(world, **kwargs):
    from django.utils import timezone

    from tessera.safety.models import RiskAlert

    now = timezone.now()
    return RiskAlert.objects.create(
        episode=world.episode,
        source=RiskAlert.Source.CONCERN,
        severity=RiskAlert.Severity.HIGH,
        concern="worried",
        acknowledge_by=now,
        **kwargs,
    )


def test_the_alert_list_reads_no_patient_clinic_or_user_per_alert(world, client, login):
    """The risk alert list: each alert with its episode, the patient's name from the
    episode's copy, the clinic's name from the user's role clinics, whoever acknowledged
    it once for the page; no join on the patients, clinics or users, and no user read
    per acknowledged alert (decision 0084). The page shows the same."""
    from django.utils import timezone

    _alert(world)
    for _n in range(3):
        _alert(world, acknowledged_at=timezone.now(), acknowledged_by=world["manager"])
    login(world["therapist"])
    client.get("/alerts/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/alerts/")
    assert response.status_code == 200
    sql = _selects(captured)
    alerts = [q for q in sql if 'FROM "safety_riskalert"' in q]
    assert alerts, sql
    # Led by the alert's copy of its clinic (safety 0008), the user's role clinics; the
    # episode's clinics only filter (``clinic_id + 0``), each alert's episode by key.
    assert all('"safety_riskalert"."clinic_id" IN' in q for q in alerts), alerts
    if ON_POSTGRES:
        assert all('("treatment_episode"."clinic_id" + 0) = ANY(' in q for q in alerts), alerts
    assert all(
        f'"{table}"' not in q
        for q in alerts
        for table in ("core_patient", "core_clinic", "core_user")
    ), alerts
    # The three acknowledgers once (the signed-in user is read by ``get``, with its LIMIT).
    users = [q for q in sql if 'FROM "core_user"' in q and "LIMIT" not in q]
    assert len(users) == 1, users
    page = response.content.decode()
    assert page.count(f"{world.patient.first_name} {world.patient.last_name}</a>") == 4
    assert page.count(f"<small>{world.clinic.name}</small>") == 4
    assert page.count(f"acknowledged by {world['manager']}") == 3


def test_an_alert_keeps_its_episodes_clinic_and_stays_visible(world, client, login):
    """The alert's copy of its clinic is written when it is made; the on-call and the
    clinic-wide scopes still see it through the copy (decision 0084)."""
    from tessera.safety.models import RiskAlert

    alert = _alert(world)
    assert alert.clinic_id == world.episode.clinic_id
    assert RiskAlert.objects.filter(pk=alert.pk, clinic_id=world.clinic.pk).exists()
    for who in ("therapist", "manager", "supervisor"):
        assert RiskAlert.objects.visible_to(world[who]).filter(pk=alert.pk).exists(), who
    assert not RiskAlert.objects.visible_to(world["other_therapist"]).filter(pk=alert.pk).exists()


def test_the_supervision_list_reads_no_patient_or_clinic_and_filters_by_the_clinics(
    world, client, login
):
    """The cases a supervisor follows: the patient's name from the episode's copy, no
    clinic, the therapist once for the page; led by the supervisor's own follows, the
    clinics only filtering each episode (``clinic_id + 0``), not the clinics' range of
    episodes hashed for the count (decision 0084)."""
    from tessera.consultation.models import SupervisedCase

    SupervisedCase.objects.create(episode=world.episode, supervisor=world["supervisor"])
    login(world["supervisor"])
    client.get("/supervision/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/supervision/")
    assert response.status_code == 200
    cases = [q for q in _selects(captured) if 'FROM "consultation_supervisedcase"' in q]
    assert len(cases) == 2, cases  # the count and the page
    assert all('"core_patient"' not in q and '"core_clinic"' not in q for q in cases), cases
    assert all('"core_user"' not in q for q in cases), cases
    page = response.content.decode()
    assert f"{world.patient.first_name} {world.patient.last_name}</a>" in page
    assert world["therapist"].get_full_name() in page
    if ON_POSTGRES:
        assert all('("treatment_episode"."clinic_id" + 0) = ANY(' in q for q in cases), cases
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            # Nor the clinic's episodes gathered by a bitmap, which statistics left by
            # earlier tests (tests/inbox) made look cheap: at scale it is the clinic's
            # whole range of episodes that the follows' lead avoids.
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + cases[0])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "treatment_episode_pkey" in plan and "episode_clinic_patient" not in plan, plan


def test_the_clinic_measures_page_reads_the_clinic_once(world, client, login):
    """A clinic's schedule and its wordings are ordered without the clinic's name: the
    clinics table is read once, for the clinic by its short name (decision 0084)."""
    from tessera.treatment.models import MeasureRule

    login(world["manager"])
    url = f"/clinics/{world.clinic.slug}/measures/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # Not counted: the person's roles, read with each role clinic's time zone where the
    # person is not kept (decision 0109's addendum), a join by key.
    clinics = [
        q for q in _selects(captured) if '"core_clinic"' in q and 'FROM "core_clinicrole"' not in q
    ]
    assert len(clinics) == 1 and '"core_clinic"."slug" =' in clinics[0], clinics
    shown = [(r.time_point, r.instrument) for r in response.context["rules"]]
    expected = MeasureRule.objects.filter(clinic=world.clinic, programme_key="")
    assert shown == [(r.time_point, r.instrument) for r in expected]


def test_the_study_list_names_its_sites_without_a_join_on_the_clinics(world, client, login):
    """The study list's sites: the study's clinic ids from the link table, their names
    from the user's kept role clinics (no query at all then), not the clinics table
    joined to the links (decision 0084)."""
    from tessera.core.roles import StudyRole
    from tessera.research.models import Study, StudyMember

    study = Study.objects.create(key="calm", title="Calm trial")
    study.clinics.add(world.clinic, world.other_clinic)
    StudyMember.objects.create(study=study, user=world["researcher"], role=StudyRole.COORDINATOR)
    login(world["researcher"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/research/")
    assert response.status_code == 200
    joined = [q for q in _selects(captured) if 'FROM "core_clinic" INNER JOIN' in q]
    assert not joined, joined
    names = sorted([world.clinic.name, world.other_clinic.name])
    assert f"{', '.join(names)}</p>" in response.content.decode()
    # With the user's role clinics kept (the identity cache), no clinic is read.
    user = world["researcher"]
    kept = sorted((world.clinic, world.other_clinic), key=lambda c: c.name)
    user._tessera_clinic_names = [(c.pk, c.name) for c in kept]
    with CaptureQueriesContext(connection) as captured:
        (listed,) = Study.objects.filter(pk=study.pk).with_sites(user)
    assert all('"core_clinic"' not in q for q in _selects(captured))
    assert [c.name for c in listed.sites] == [c.name for c in kept]


def test_the_therapists_loads_count_the_clinics_range_not_each_therapist(world):
    """The open episodes per therapist are the clinic's range of episodes, grouped: not
    asked for the active therapists' ids, which the planner read from the country's
    therapist index once per therapist and ANDed with the clinic's range (12 pages at
    1,000 patients, 31 at 100,000: an application's page, the triage queue). The loads
    are the same: the counts of a therapist no longer active are read and not shown."""
    from tessera.intake.capacity import therapist_loads

    with CaptureQueriesContext(connection) as captured:
        loads = therapist_loads(world.clinic)
    (count,) = [q for q in _selects(captured) if "treatment_episode" in q]
    assert '"treatment_episode"."therapist_id" IN' not in count, count
    assert '"treatment_episode"."therapist_id" = ANY' not in count, count
    by_user = {load.user.pk: load.caseload for load in loads}
    open_episodes = Episode.objects.filter(clinic=world.clinic).exclude(status=Episode.Status.ENDED)
    assert (
        by_user[world["therapist"].pk] == open_episodes.filter(therapist=world["therapist"]).count()
    )
    assert set(by_user) == set(
        ClinicRole.objects.filter(
            clinic=world.clinic, role=Role.THERAPIST, user_is_active=True
        ).values_list("user_id", flat=True)
    )
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + count)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "treatment_episode_therapist_id" not in plan, plan
        assert "episode_therapist_patient" not in plan, plan


def test_the_on_call_rota_reads_the_clinics_roles_not_a_role_per_shift(world):
    """A risk alert's page (and every alert's recipients): the clinic's on-call roles are
    its range of roles, read once, not the country's index of roles by user descended
    once per shift (6 pages at 1,000 patients, 21 at 100,000). A person whose role is
    no longer on call drops off the rota, as before."""
    from tessera.core import on_call
    from tessera.core.models import OnCallShift

    person = world["therapist"]
    ClinicRole.objects.filter(clinic=world.clinic, user=person).update(on_call=True)
    OnCallShift.objects.create(
        clinic=world.clinic, user=person, weekday=1, starts_hour=8, ends_hour=12
    )
    with CaptureQueriesContext(connection) as captured:
        shifts = on_call.current_shifts(world.clinic)
    (sql,) = _selects(captured)
    assert '"user_id" + 0' in sql and "EXISTS" not in sql, sql
    assert [s.user.pk for s in shifts] == [person.pk]
    ClinicRole.objects.filter(clinic=world.clinic, user=person).update(on_call=False)
    assert on_call.current_shifts(world.clinic) == []
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "core_clinicrole_user_id" not in plan and "one_role_per_clinic" not in plan, plan
