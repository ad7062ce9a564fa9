"""The triage queue and the funnel at national scale (issue 16, decision 0065): what they
read does not grow with the country. Their results by hand-built cases, their queries
counted, and on PostgreSQL the plans of the indexes made for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import Episode
from tessera.core.roles import Role
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.funnel import funnel
from tessera.intake.models import Application, ScreeningAnswer, Status
from tessera.intake.queue import queue_page
from tests.core.test_scale import explain, postgres_only
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import PHQ_NO_RISK, PHQ_RISK, make_application

QUEUE_INDEXES = {
    "intake_application": [
        "intake_application_queue",
        "intake_application_applicant_id_81ba6449",  # the applicant's own, in the scope
        "intake_application_pkey",
    ]
}


def _intake_queries(captured) -> list[str]:
    """The queue's own queries: those of the user's roles are the access layer's."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if '"intake_' in q["sql"] or '"programs_' in q["sql"]
    ]


def test_the_funnel_counts_sent_applications_only_and_completed_courses(world):
    version = published_version(world)
    started = make_application(world.clinic, "s1@apply.test")
    make_application(world.clinic, "s2@apply.test")
    make_application(world.clinic, "draft@apply.test", submit=False)
    copy = make_application(world.clinic, "copy@apply.test")
    Application.objects.filter(pk=copy.pk).update(status=Status.DUPLICATE)
    declined = make_application(world.clinic, "no@apply.test")
    Application.objects.filter(pk=declined.pk).update(status=Status.DECLINED)
    decision_actions.do_assess(
        started,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    started.refresh_from_db()
    assert started.episode_id
    # 70 days on the clinic's calendar (its Stockholm), not UTC's (decision 0109)
    ended = timezone.localdate(started.started_at) + dt.timedelta(days=70)
    Episode.objects.filter(pk=started.episode_id).update(ended_on=ended)
    with CaptureQueriesContext(connection) as captured:
        steps = funnel(world.clinic)
    # The counts, and the middle wait(s) of each of the four steps after the first
    # (decision 0147's follow-up: the medians counted in the database).
    assert len(captured) == 5
    # sent: two, and the declined one (a duplicate and a draft are not counted)
    assert [s.count for s in steps] == [3, 3, 1, 1, 1]
    assert steps[4].median_days == 70.0  # from the start (a time) to the end (a date)


def test_the_queue_shows_each_applications_scores_read_once(world, consent):
    first = make_application(world.clinic, "a@apply.test", first="Alma")
    urgent = make_application(world.clinic, "b@apply.test", first="Bo", phq=PHQ_RISK)
    unscored = make_application(world.clinic, "c@apply.test", first="Cy")
    ScreeningAnswer.objects.filter(application=unscored).delete()
    with CaptureQueriesContext(connection) as captured:
        _page, rows = queue_page(world["intake"], 1)
    assert [r.application.first_name for r in rows] == ["Bo", "Alma", "Cy"]
    assert [(s.instrument, s.total) for s in rows[0].scores] == [("PHQ-9", 9), ("GAD-7", 14)]
    assert [(s.instrument, s.total) for s in rows[1].scores] == [("PHQ-9", 8), ("GAD-7", 14)]
    assert rows[2].scores == []
    assert rows[0].application == urgent and rows[1].application == first
    assert "PHQ-9 9" in rows[0].suggestions.summary
    assert "PHQ-9 8" in rows[1].suggestions.summary
    sql = _intake_queries(captured)
    # the count, the page, its screening answers once (for the scores and the
    # suggestions), its unread messages, assessments, programmes and clinic rules
    assert len(sql) == 7, sql
    assert sum('FROM "intake_screeninganswer"' in s for s in sql) == 1
    assert not any("intake_referral" in s for s in sql)


def test_the_queue_asks_as_many_queries_for_3_and_30_applications(world, consent):
    for n in range(3):
        make_application(world.clinic, f"few{n}@apply.test")
    with CaptureQueriesContext(connection) as few:
        queue_page(world["intake"], 1)
    for n in range(27):
        phq = PHQ_RISK if n % 5 else PHQ_NO_RISK
        make_application(world.clinic, f"many{n}@apply.test", phq=phq)
    with CaptureQueriesContext(connection) as many:
        _page, rows = queue_page(world["intake"], 1)
    assert len(rows) == 30
    assert len(_intake_queries(few)) == len(_intake_queries(many)) == 7


@postgres_only
def test_the_queue_reads_the_clinics_open_applications_by_their_index(world, consent):
    make_application(world.clinic, "a@apply.test")
    with CaptureQueriesContext(connection) as captured:
        queue_page(world["intake"], 1)
    count, page = [s for s in _intake_queries(captured) if 'FROM "intake_application"' in s][:2]
    assert count.startswith("SELECT COUNT(*)") and "LIMIT" in page
    for sql in (count, page):
        # the applicant's own index is in the scope; the clinic's part can only be
        # served by the queue's partial index if the statuses match its condition
        plan = explain(sql, off=("seqscan",), only=QUEUE_INDEXES)
        assert "intake_application_queue" in plan, plan
        assert "Seq Scan on intake_application" not in plan, plan
        assert "intake_referral" not in plan, plan


@postgres_only
def test_the_funnel_reads_the_clinics_range_of_its_index(world):
    make_application(world.clinic, "a@apply.test")
    make_application(world.clinic, "b@apply.test", submit=False)
    with CaptureQueriesContext(connection) as captured:
        funnel(world.clinic)
    # The counts, then each step's middle wait or two (decision 0147's follow-up): each
    # the clinic's range of the funnel's index, never the country's applications. The
    # counts read the rows behind the index now (an index scan, no longer index-only:
    # the episode's end is read for the last step), in the clinic's range.
    counts, *medians = [q["sql"] for q in captured.captured_queries]
    only = {"intake_application": ["intake_application_funnel"]}
    plan = explain(counts, off=("seqscan", "bitmapscan"), only=only)
    assert "using intake_application_funnel" in plan and "Seq Scan" not in plan, plan
    assert "Sort" not in plan, plan
    assert 1 <= len(medians) <= 4
    for sql in medians:
        plan = explain(sql, off=("seqscan", "bitmapscan"), only=only)
        assert "intake_application_funnel" in plan and "Seq Scan" not in plan, plan


def _written(application, body="Hello"):
    import uuid

    from tessera.intake.actions.messages import do_write_to_clinic

    return do_write_to_clinic(
        application, acting_user=application.applicant, body=body, submission_key=uuid.uuid4()
    )


def test_an_applicants_message_carries_its_applications_clinic_when_written_and_moved(world):
    """The copy the queue's notice reads by (intake 0011, decision 0069): taken when the
    message is written, and again when the application moves to another clinic."""
    from tessera.intake.models import ApplicationMessage

    application = make_application(world.clinic, "w@apply.test")
    message = _written(application)
    message.refresh_from_db()
    assert message.clinic_id == world.clinic.pk
    Application.objects.filter(pk=application.pk).update(clinic=world.other_clinic)
    message.refresh_from_db()
    assert message.clinic_id == world.other_clinic.pk
    # a copy written by hand is put right from the application
    ApplicationMessage.objects.filter(pk=message.pk).update(clinic=world.clinic)
    message.refresh_from_db()
    assert message.clinic_id == world.other_clinic.pk


def test_the_notice_and_the_page_count_the_clinics_unread_messages_only(world, consent):
    from tessera.intake.queue import queue_queryset, waiting_messages

    here = make_application(world.clinic, "here@apply.test")
    there = make_application(world.other_clinic, "there@apply.test")
    _written(here)
    _written(here, "again")
    _written(there)
    assert waiting_messages(world["intake"]) == 1
    assert list(queue_queryset(world["intake"], messages=True)) == [here]
    with CaptureQueriesContext(connection) as captured:
        _page, rows = queue_page(world["intake"], 1)
    assert [(r.application, r.unread_messages) for r in rows] == [(here, 2)]
    assert len(_intake_queries(captured)) == 7
    Application.objects.filter(pk=here.pk).update(clinic=world.other_clinic)
    assert waiting_messages(world["intake"]) == 0


@postgres_only
def test_the_notice_reads_the_clinics_range_of_unread_messages(world, consent):
    """The notice and the page's unread counts: one range of the clinic's unread
    applicant messages (``application_unread_by_clinic``), not the country's unread
    ones nor one descent per application of the page (decision 0069)."""
    from tessera.intake.queue import waiting_messages

    application = make_application(world.clinic, "n@apply.test")
    _written(application)
    with CaptureQueriesContext(connection) as captured:
        waiting_messages(world["intake"])
        queue_page(world["intake"], 1)
    unread = [
        s["sql"] for s in captured.captured_queries if '"intake_applicationmessage"' in s["sql"]
    ]
    assert len(unread) == 2, unread
    only = {
        "intake_applicationmessage": [
            "application_unread_by_clinic",
            "intake_appl_applica_995c14_idx",
        ]
    }
    for sql in unread:
        plan = explain(sql, off=("seqscan",), only=only)
        assert "application_unread_by_clinic" in plan, plan
        assert "intake_appl_applica_995c14_idx" not in plan, plan


# The funnel page, the whole request (decision 0068). Without the kept person: the
# session, the login, "is it staff", "has it a second factor", its roles, its intake
# clinics' names, the funnel (its counts, and the middle wait of the one step reached
# here: decision 0147's follow-up), its regions and "is this login a patient" (the menu).
# With it: the session, the counter and the funnel; nothing else grows with the country.
FUNNEL_PAGE_QUERIES = {False: 10, True: 4}


@pytest.mark.parametrize("kept", [False, True], ids=["read", "kept"])
def test_the_funnel_page_reads_the_funnel_and_the_counter_only(world, login, settings, kept):
    settings.TESSERA_IDENTITY_CACHE = kept
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # counted as without Redis
    caches["identities"].clear()
    make_application(world.clinic, "a@apply.test")
    client = login(world["intake"])
    client.get(reverse("intake_funnel"))  # fills what is kept
    with CaptureQueriesContext(connection) as captured:
        body = client.get(reverse("intake_funnel")).content.decode()
    assert "Intake funnel: Clinic alpha" in body
    queries = [q["sql"] for q in captured.captured_queries]
    assert len(queries) == FUNNEL_PAGE_QUERIES[kept], "\n".join(q[:120] for q in queries)
    read = " ".join(queries)
    if kept:
        for table in ("core_user", "core_clinic", "core_clinicrole", "core_patient"):
            assert f'"{table}"' not in read, table
    caches["identities"].clear()


def test_the_funnel_page_offers_the_intake_clinics_by_name_when_kept(world, login, settings):
    """Two intake clinics: both offered, in the database's order of their names, the
    one asked for shown (from what is kept, as from the database)."""
    from tessera.core import actions

    actions.do_grant_role(world["intake"], world.other_clinic, Role.INTAKE_COORDINATOR)
    for kept in (False, True):
        settings.TESSERA_IDENTITY_CACHE = kept
        caches["identities"].clear()
        client = login(world["intake"])
        client.get(reverse("intake_funnel"))
        body = client.get(
            reverse("intake_funnel"), {"clinic": world.other_clinic.pk}
        ).content.decode()
        assert "Intake funnel: Clinic beta" in body
        assert body.index(">Clinic alpha</option>") < body.index(">Clinic beta</option>")
    caches["identities"].clear()
