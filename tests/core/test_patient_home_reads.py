"""The patient home's reads (issue 16, CPU per request): each made once, the patient's
own episodes first with the patient record; the same page as before; what is kept for
the request (patient record, unread count, role check) is kept on the request's user
object only, so it never reaches another request or another person."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import Episode, User
from tessera.messaging import actions as messaging_actions
from tessera.messaging.models import Message
from tessera.portal import home
from tessera.portal.timeline import episode_timeline
from tessera.treatment import plans
from tests.conftest import sign_in
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application

# The world's patient: session, user, role check (clinic roles, region roles), own
# episodes (with the patient record, each one's unread count, its open questionnaires
# and the applications: decision 0076), plan entries; the coming sessions only when the
# episodes' EXISTS found some. Before: 12 (14 on the demo patient), then 10, then 9
# (decision 0044), then 8.
PATIENT_HOME_QUERIES = 6


def _signed_in_reads() -> int:
    """What the signed-in request itself reads, of the pinned counts here: the session,
    the login and its role check (two); or, with the person kept (decision 0063: the
    suite run with REDIS_URL), the counter, and the session only when it is not kept in
    Redis beside the database."""
    from django.conf import settings

    from tessera.core import identity

    if not identity.enabled():
        return 4
    return 1 + (settings.SESSION_ENGINE == "django.contrib.sessions.backends.db")


def _pinned() -> int:
    return PATIENT_HOME_QUERIES - 4 + _signed_in_reads()


def _home(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def test_the_patient_home_costs_its_pinned_queries_and_repeats_none(world, login):
    client = login(world.patient.user)
    client.get(reverse("home"))  # the session's first touch of the minute
    response, sqls = _home(client)
    assert len(sqls) == _pinned(), "\n".join(sqls)
    assert not {s for s in sqls if sqls.count(s) > 1}
    # The patient record came with the episodes: no query of its own.
    assert not [s for s in sqls if s.startswith('SELECT "core_patient"')]
    assert response.context["patient"] == world.patient


def test_coming_sessions_are_read_only_when_there_are_some(world, login):
    from django.utils import timezone

    from tessera.appointments import actions as appointment_actions

    def book(hours):
        return appointment_actions.do_book_appointment(
            world.episode,
            acting_user=world["therapist"],
            therapist=world["therapist"],
            kind="face_to_face",
            place="Room 3, Storgatan 1",
            starts_at=timezone.now() + dt.timedelta(hours=hours),
        )

    client = login(world.patient.user)
    client.get(reverse("home"))
    book(-2)  # a past session is not a coming one: still no query for them
    response, sqls = _home(client)
    assert len(sqls) == _pinned()
    assert response.context["sessions"] == []
    coming = book(48)
    response, sqls = _home(client)
    assert len(sqls) == _pinned() + 1
    assert response.context["sessions"] == [coming]
    # The session's read leaves out its notes and bookkeeping and its therapist's login
    # (password hash, dates, flags): the page shows the therapist's name (decision 0127).
    (sessions,) = [s for s in sqls if s.startswith('SELECT "appointments_appointment"."id"')]
    assert '"core_user"."first_name"' in sessions
    assert '"core_user"."email"' in sessions
    for column in ["password", "last_login", "date_joined", "mobile_phone"]:
        assert f'"core_user"."{column}"' not in sessions
    for column in ["note", "cancel_reason", "booked_by_id", "submission_key", "recorded_at"]:
        assert f'"appointments_appointment"."{column}"' not in sessions


def test_own_episodes_are_what_a_patient_may_see(world):
    for person in [world.patient.user, world.other_patient.user]:
        person = User.objects.get(pk=person.pk)
        assert set(Episode.objects.own(person)) == set(Episode.objects.visible_to(person))
    # Staff without a patient record of their own have none; an inactive person none.
    assert not Episode.objects.own(world["therapist"]).exists()
    world.patient.user.is_active = False
    assert not Episode.objects.own(world.patient.user).exists()


def test_own_episodes_bring_the_patient_record_for_the_request(world, django_assert_num_queries):
    user = User.objects.get(pk=world.patient.user.pk)
    with django_assert_num_queries(1):
        episodes = home.own_episodes(user)
        assert user.patient_record == world.patient
    assert episodes == [world.episode]
    # A fresh user object (the next request) reads it again: nothing is kept elsewhere.
    again = User.objects.get(pk=user.pk)
    assert "patient_record" not in again.__dict__


def test_the_latest_episode_is_the_one_latest_episode_finds(world):
    user = world.patient.user
    ended = [
        Episode.objects.create(
            patient=world.patient,
            clinic=world.clinic,
            status=Episode.Status.ENDED,
            started_on=dt.date(2025, 1, 6),
            ended_on=day,
        )
        for day in [dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 1)]
    ]
    fresh = User.objects.get(pk=user.pk)
    assert home.latest_of(home.own_episodes(fresh)) == plans.latest_episode(fresh) == world.episode
    Episode.objects.filter(pk=world.episode.pk).update(
        status=Episode.Status.ENDED, ended_on=dt.date(2025, 5, 1)
    )
    fresh = User.objects.get(pk=user.pk)
    latest = home.latest_of(home.own_episodes(fresh))
    assert latest == plans.latest_episode(fresh) == ended[2]  # same day: the newest id


def test_the_unread_count_is_kept_for_one_request_and_one_person(world, client):
    sign_in(client, world.patient.user)
    first = client.get(reverse("home")).context["unread_messages"]
    messaging_actions.do_send_message(
        world.episode, acting_user=world["therapist"], body="Hello", submission_key=uuid.uuid4()
    )
    # The next request counts again: the new message is there.
    assert client.get(reverse("home")).context["unread_messages"] == first + 1
    # Another patient's page counts their own messages, none of the first's.
    sign_in(client, world.other_patient.user)
    other = client.get(reverse("home")).context["unread_messages"]
    assert (
        other
        == Message.objects.filter(episode__patient=world.other_patient, from_patient=False)
        .exclude(reads__user=world.other_patient.user)
        .count()
    )


def test_the_role_check_is_kept_for_the_request(world, django_assert_num_queries):
    """Asked by the middleware, the menu and the view: read once per request (two small
    queries for someone without a clinic role, one with)."""
    for kind, expected, queries in [
        ("therapist", True, 1),
        ("region_admin", True, 2),
        ("patient", False, 2),
    ]:
        user = User.objects.get(pk=world[kind].pk)
        with django_assert_num_queries(queries):
            assert user.is_staff_member is expected
            assert user.is_staff_member is expected


def test_the_home_shows_the_same_path_and_applications_as_before(world, client):
    """``home.applications_and_path`` against the reads it replaced: the path of a
    patient who came by an application, and an applicant's list."""
    version = published_version(world)
    application = make_application(world.clinic, "acc@apply.test")
    from tessera.intake.actions import decisions as decision_actions

    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    waiting = make_application(world.clinic, "wait@apply.test")
    people = [(application.applicant, application.episode), (waiting.applicant, None)]
    for person, episode in people:
        sign_in(client, person)
        context = client.get(reverse("home")).context
        fresh = User.objects.get(pk=person.pk)
        assert context["timeline"] == episode_timeline(episode)
        assert [(r.application, r.phase, r.next_url, r.steps) for r in context["applications"]] == [
            (r.application, r.phase, r.next_url, r.steps) for r in home.applications_of(fresh)
        ]
    assert context["applications"][0].application == waiting


def test_the_menu_is_drawn_once_and_shown_twice_with_the_same_entries(world, login):
    """base.html shows the menu twice (wide screens, phones): its entries are drawn once
    per request (``navigation.NavItems``), each in both menus, the current page marked."""
    from django.utils.html import escape

    from tessera.portal import navigation

    client = login(world.patient.user)
    response = client.get(reverse("home"))
    html = response.content.decode()
    nav = response.context["nav"]
    assert len(nav) > 5
    for href, label in nav:
        current = ' aria-current="page"' if href == reverse("home") else ""
        entry = f'<li><a href="{href}"{current}>{escape(str(label))}</a></li>'
        assert html.count(entry) == 2, entry
    # The addresses reversed once per process are the ones reverse() gives.
    for name in ["home", "my_plan", "my_details", "account_email"]:
        assert navigation.url(name) == reverse(name)


def _plain_reads(user):
    """What the patient home shows, read by the plain querysets the compiled reads
    replaced (decision 0044): episodes, open questionnaires, unread messages, the plan's
    states and this week's homework."""
    from tessera.treatment import diary
    from tessera.treatment.models import DiaryEntry, DueMeasure

    episodes = list(Episode.objects.own(user).order_by("-ended_on", "-id"))
    episode = plans.latest_episode(user)
    open_episode = episode if episode and episode.status != Episode.Status.ENDED else None
    dues = list(DueMeasure.objects.visible_to(user).open_now().order_by("due_at")[:10])
    unread = (
        Message.objects.filter(episode__patient__user=user, from_patient=False)
        .exclude(reads__user=user)
        .count()
    )
    states, homework = [], []
    if open_episode is not None:
        entries = list(
            open_episode.plan.current().select_related("module_version").order_by("position", "id")
        )
        states = plans.states(
            entries,
            unlock_rule=open_episode.programme_version.unlock_rule
            if open_episode.programme_version
            else "manual",
            started_on=open_episode.started_on,
            today=plans.clinic_today(open_episode.clinic),
        )
        opened = [s.entry for s in states if s.is_open]
        monday, sunday = diary.week_of(plans.clinic_today(open_episode.clinic))
        for entry in opened:
            for step in entry.module_version.steps.filter(kind=diary.HOMEWORK).order_by("position"):
                count = DiaryEntry.objects.filter(entry=entry, step=step, for_date__gte=monday)
                homework.append((entry.pk, step.pk, count.filter(for_date__lte=sunday).count()))
    sessions = []
    if open_episode is not None:
        from tessera.appointments.models import Appointment

        sessions = list(
            Appointment.objects.filter(episode=open_episode)
            .upcoming()
            .order_by("starts_at")[: home.SESSIONS_SHOWN]
        )
    return {
        "sessions": sessions,
        "episodes": episodes,
        "episode": episode,
        "due": dues,
        "unread_messages": unread,
        "states": [(s.entry.pk, s.is_open, s.opens_on) for s in states],
        "homework": sorted(homework),
    }


def test_every_demo_patient_sees_what_the_plain_reads_give(seeded_demo, client):
    """The compiled reads (``core.prepared``) and the unread count read with the
    episodes show each demo patient what the plain querysets give, in the pinned
    queries; the demo patient with homework and questionnaires among them."""
    patients = list(User.objects.filter(patient__isnull=False, is_active=True).order_by("pk"))
    assert len(patients) >= 8
    seen_due = seen_homework = seen_unread = seen_sessions = 0
    for user in patients:
        sign_in(client, user)
        client.get(reverse("home"))
        response, sqls = _home(client)
        context = response.context
        plain = _plain_reads(User.objects.get(pk=user.pk))
        fresh = User.objects.get(pk=user.pk)
        assert home.own_episodes(fresh) == plain["episodes"], user
        assert context["episode"] == plain["episode"], user
        assert context["due"] == plain["due"], user
        assert context["unread_messages"] == plain["unread_messages"], user
        assert context["sessions"] == plain["sessions"], user
        seen_sessions += bool(plain["sessions"])
        # The therapist came with the session (no query of its own).
        assert all("therapist" in s._state.fields_cache for s in context["sessions"]), user
        states = plans.episode_states(context["episode"]) if context["episode"] else []
        if context["ended"]:
            states = []
        assert [(s.entry.pk, s.is_open, s.opens_on) for s in states] == plain["states"], user
        assert (
            sorted((h.entry.pk, h.step.pk, h.this_week) for h in context["homework"])
            == plain["homework"]
        ), user
        seen_due += bool(plain["due"])
        seen_homework += bool(plain["homework"])
        seen_unread += bool(plain["unread_messages"])
        # Session, user, role check (2), episodes (with their dues and the applications,
        # decision 0076), the applications only without an episode; then what the
        # patient has: the plan with the homework steps and this week's entries counted
        # (an open one; before: three queries when it had homework), the coming
        # sessions; after treatment, the clinic's crisis contacts. A course that waits
        # on the waiting list shows the application's path beside it: its clinic, its
        # bookings and its screening (the demo's waiting applicants).
        expected = _signed_in_reads() + 1 + (not plain["episodes"])
        expected += 3 * bool(context["applications"])
        expected += context["episode"] is not None and not context["ended"]
        expected += bool(context["sessions"])
        expected += context["ended"]
        assert len(sqls) == expected, (user, "\n".join(sqls))
    assert seen_due and seen_homework and seen_unread and seen_sessions


def _page(client):
    """The home page's HTML, its CSRF tokens (new on every request) left out."""
    import re

    html = client.get(reverse("home")).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def test_the_episode_row_leaves_out_the_programme_versions_texts(world, login):
    """Decision 0060: the programme version comes with the episode for its unlock rule
    and length only; its texts and JSON (about 6 kB a row) are not read."""
    client = login(world.patient.user)
    client.get(reverse("home"))
    _response, sqls = _home(client)
    (episodes,) = [s for s in sqls if s.startswith('SELECT "treatment_episode"."id"')]
    assert '"programs_programmeversion"."unlock_rule"' in episodes
    assert '"programs_programmeversion"."weeks"' in episodes
    for name in home._VERSION_NOT_SHOWN:
        assert f'"programs_programmeversion"."{name}"' not in episodes
    # Nor the clinic's settings for its staff (decision 0076).
    assert '"core_clinic"."time_zone"' in episodes
    for name in home._CLINIC_NOT_SHOWN:
        assert f'"core_clinic"."{name}"' not in episodes
    # Nor the patient record's contact details and the episode's staff copies of the
    # patient's names (decision 0127): the page shows the first name only.
    assert '"core_patient"."first_name"' in episodes
    for name in home._PATIENT_NOT_SHOWN:
        assert f'"core_patient"."{name}"' not in episodes
    for name in home._EPISODE_NOT_SHOWN:
        assert f'"treatment_episode"."{name}"' not in episodes


def test_every_demo_patient_and_applicant_sees_the_page_the_whole_row_gives(
    seeded_demo, client, monkeypatch
):
    """The page drawn from the shorter episode row is byte for byte the one drawn from
    the whole row (the compiled read made again without leaving anything out), for
    every demo patient and applicant, in the same number of queries."""
    from tessera.core.prepared import Prepared

    people = [
        u
        for u in User.objects.filter(is_active=True).order_by("pk")
        if not u.is_staff_member and u.email.endswith("@demo.tessera.test")
    ]
    assert len(people) >= 15
    pages = {}
    for whole_row in [False, True]:
        if whole_row:
            monkeypatch.setattr(home, "_VERSION_NOT_SHOWN", ())
            monkeypatch.setattr(home, "_CLINIC_NOT_SHOWN", ())
            monkeypatch.setattr(home, "_PATIENT_NOT_SHOWN", ())
            monkeypatch.setattr(home, "_EPISODE_NOT_SHOWN", ())
            monkeypatch.setattr(home, "_OWN_EPISODES", Prepared(home._own_episodes_query))
            # The coming sessions whole, their therapists' logins too (decision 0127).
            monkeypatch.setattr(home, "_SESSION_NOT_SHOWN", ())
            monkeypatch.setattr(home, "_THERAPIST_SHOWN", _every_user_field())
            monkeypatch.setattr(home, "_UPCOMING_SESSIONS", Prepared(home._upcoming_sessions_query))
        for user in people:
            sign_in(client, user)
            client.get(reverse("home"))  # the session's first touch of the minute
            with CaptureQueriesContext(connection) as captured:
                html = _page(client)
            pages.setdefault(user.email, []).append((html, len(captured.captured_queries)))
    for email, (short, whole) in pages.items():
        assert short == whole, email
    # Among them a patient with coming sessions (their read shortened too).
    assert any('id="sessions-heading"' in short[0] for short, _whole in pages.values())


def _every_user_field() -> tuple:
    return tuple(f.name for f in User._meta.concrete_fields)


def _columns(instance) -> tuple:
    return tuple(
        (f.attname, type(v), v)
        for f in type(instance)._meta.concrete_fields
        for v in [getattr(instance, f.attname)]
    )


def test_the_rows_read_with_the_episodes_are_what_their_own_reads_give(world):
    """Decision 0076: the open questionnaires and the applications come with the
    episodes as JSON; made into instances again, every column has the value and the type
    a read of the table gives (timestamps, dates, booleans, JSON)."""
    from django.utils import timezone

    from tessera.intake.actions import decisions as decision_actions
    from tessera.intake.models import Application
    from tessera.treatment.models import DueMeasure

    version = published_version(world)
    application = make_application(world.clinic, "cols@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    user = User.objects.get(pk=application.applicant.pk)
    (episode,) = home.own_episodes(user)
    assert episode == application.episode
    rows, origin = home.applications_and_path(user, episode, [episode])
    assert origin is not None
    plain = Application.objects.get(pk=origin.pk)
    assert _columns(origin) == _columns(plain)
    assert plain.screening_set and plain.consent_accepted_at  # JSON and a timestamp read
    now = timezone.now()
    DueMeasure.objects.filter(episode=episode).update(
        opens_at=now - dt.timedelta(days=1), expires_at=now + dt.timedelta(days=3)
    )
    (episode,) = home.own_episodes(User.objects.get(pk=user.pk))
    due = home.open_dues([episode])
    assert due
    for d in due:
        assert _columns(d) == _columns(DueMeasure.objects.get(pk=d.pk))
        assert d.episode is episode


def test_the_episode_read_is_short_enough_for_psycopg_to_keep_it_parsed(world, login):
    """psycopg parses a statement longer than 4,096 characters again on every run (its
    cache takes only shorter ones): the episodes' read with its questionnaires and
    applications (decision 0076) stays under it on PostgreSQL."""
    import pytest

    if connection.vendor != "postgresql":
        pytest.skip("psycopg's parsing: PostgreSQL only")
    from psycopg import _queries

    client = login(world.patient.user)
    client.get(reverse("home"))
    compiled = [sql for _qs, _compiler, sql, _holes in home._OWN_EPISODES._compiled.values()]
    assert compiled
    assert all(len(sql) <= _queries.MAX_CACHED_STATEMENT_LENGTH for sql in compiled)
