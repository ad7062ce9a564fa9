"""A therapist's pages of one patient, and the risk alerts, at national scale (issue 16,
decision 0090): the reads of small tables that grew with the country, each one page at
1,000 patients and an index descent of three at 100,000 (``bench/scale.py
--secondary``), pinned by the SQL each page sends. Each test fails on the pages as they
were before: the episode's clinic joined from the clinics table, the own-scope check asked
of the database for an episode already read, the alerts counted and then read, the
viewer's own login read for a thread's authors."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core import access, identity
from tessera.core.models import Clinic, Episode


def _reads(client, url) -> tuple[object, list[str]]:
    client.get(url)  # the person kept, the session touched
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [q["sql"] for q in captured.captured_queries]
    return response, [q for q in sql if q.lstrip("(").startswith("SELECT")]


def _clinic_reads(sql: list[str]) -> list[str]:
    return [q for q in sql if '"core_clinic"' in q]


@pytest.mark.parametrize(
    "name", ["episode_overview", "episode_messages", "episode_letters", "episode_sessions"]
)
def test_the_episode_pages_take_its_clinic_from_the_kept_person(world, login, identity_kept, name):
    """The episode's clinic is one of the therapist's role clinics, kept with them: no
    page reads the clinics table for it, and none asks the database whether its own
    roles show them the episode they just read (its clinic and therapist say so)."""
    client = login(world["therapist"])
    response, sql = _reads(client, reverse(name, args=[world.episode.pk]))
    assert _clinic_reads(sql) == [], sql
    assert not any(q.startswith('SELECT 1 AS "a" FROM "treatment_episode"') for q in sql), sql
    assert response.context["episode"].clinic.name == world.clinic.name


def test_the_patient_pages_by_patient_read_no_clinic_and_ask_the_scope_once(
    world, login, identity_kept
):
    client = login(world["therapist"])
    patient = world.episode.patient_id
    for url in [reverse("patient_detail", args=[patient]), reverse("plan", args=[patient])]:
        _response, sql = _reads(client, url)
        assert _clinic_reads(sql) == [], (url, sql)
    # The details page asked "do my own roles show me this patient?" twice: for the
    # audit row's purpose and for the edit link.
    _response, sql = _reads(client, reverse("patient_detail", args=[patient]))
    own = [q for q in sql if q.startswith('SELECT 1 AS "a" FROM "treatment_episode"')]
    assert len(own) == 1, sql


def test_the_time_page_reads_no_clinic(world, login, identity_kept):
    client = login(world["therapist"])
    _response, sql = _reads(client, reverse("episode_time", args=[world.episode.pk]))
    assert _clinic_reads(sql) == [], sql


def test_without_a_kept_person_the_clinic_is_joined_as_before(world, login, settings):
    settings.TESSERA_IDENTITY_CACHE = False
    client = login(world["therapist"])
    response, sql = _reads(client, reverse("episode_messages", args=[world.episode.pk]))
    assert any('JOIN "core_clinic"' in q for q in sql), sql
    assert response.context["episode"].clinic.name == world.clinic.name


def test_a_clinics_setting_changed_is_on_the_next_page_at_once(world, login, identity_kept):
    """Any column of a role clinic, changed by ``update()`` or raw SQL (another server),
    moves the counter of those holding a role there (core 0029), so the kept clinic is
    never older than the database's."""
    client = login(world["therapist"])
    url = reverse("episode_messages", args=[world.episode.pk])
    client.get(url)

    def seen():
        response = client.get(url)
        return response.context["episode"].clinic

    assert seen().response_target_hours == world.clinic.response_target_hours
    Clinic.objects.filter(pk=world.clinic.pk).update(response_target_hours=71)
    assert seen().response_target_hours == 71
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_clinic SET contact_phone = '+46 8 555 0101' WHERE id = %s",
            [world.clinic.pk],
        )
    clinic = seen()
    assert clinic.contact_phone == "+46 8 555 0101" and clinic.response_target_hours == 71
    user = client.get(url).wsgi_request.user
    assert identity.role_clinics(user)[world.clinic.pk].contact_phone == "+46 8 555 0101"


def test_the_own_scope_from_the_episodes_columns_is_the_databases_answer(world):
    """No query when a role arm holds the episode; the database's answer otherwise."""
    for user in [world["therapist"], world["manager"], world["other_therapist"]]:
        for episode in Episode.objects.all():
            expected = Episode.objects.filter(
                access.own_episode_scope(user), pk=episode.pk
            ).exists()
            fresh = Episode.objects.get(pk=episode.pk)
            assert access.episode_in_own_scope(user, fresh) == expected, (user, episode)


def test_the_own_scope_of_the_therapists_episode_asks_nothing(world):
    episode = Episode.objects.get(pk=world.episode.pk)
    therapist = world["therapist"]
    assert access.may_see_patient_data(therapist) and access.all_roles(therapist)  # read once
    with CaptureQueriesContext(connection) as captured:
        assert access.episode_in_own_scope(therapist, episode)
    assert captured.captured_queries == []


@pytest.fixture
def open_alert(world):
    from tessera.safety import actions as safety

    return safety.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="Low and withdrawn.", severity="high"
    )


def test_the_alerts_that_fit_on_a_page_are_read_once_not_counted_then_read(
    world, login, open_alert
):
    client = login(world["therapist"])
    response, sql = _reads(client, reverse("risk_alerts"))
    alerts = [q for q in sql if '"safety_riskalert"' in q]
    assert len(alerts) == 1 and "COUNT(" not in alerts[0], sql
    page = response.context["page"]
    assert [a.pk for a in page.object_list] == [open_alert.pk]
    assert page.paginator.count == 1 and page.paginator.num_pages == 1


def test_a_longer_list_of_alerts_is_counted_and_paged_as_before():
    from django.core.paginator import Paginator

    from tessera.core.pagination import ShortListPaginator

    rows = list(range(60))
    for number in [None, "", "1", "2", "3", "9", "x"]:
        ours = ShortListPaginator(rows, 25).get_page(number)
        django = Paginator(rows, 25).get_page(number)
        assert list(ours.object_list) == list(django.object_list), number
        assert (ours.number, ours.paginator.count) == (django.number, django.paginator.count)
    for size in [0, 1, 25, 26]:
        ours = ShortListPaginator(list(range(size)), 25).get_page(None)
        django = Paginator(list(range(size)), 25).get_page(None)
        assert list(ours.object_list) == list(django.object_list), size
        assert ours.paginator.num_pages == django.paginator.num_pages, size
        assert ours.has_next() == django.has_next(), size


def test_a_thread_the_viewer_wrote_with_the_patient_reads_no_login(world):
    """The therapist's own messages say "You", the patient's "The patient": neither
    login is read for the page (the viewer's was read once per request, by key)."""
    from tessera.messaging import actions
    from tessera.messaging.conversation import page_of

    for n in range(4):
        actions.do_send_message(
            world.episode,
            acting_user=world.patient.user if n % 2 else world["therapist"],
            body=f"Message {n}",
            submission_key=uuid.uuid4(),
            risk_acknowledged=True,
        )
    with CaptureQueriesContext(connection) as captured:
        _page, views = page_of(world.episode, 1, viewer=world["therapist"])
    assert not any('"core_user"' in q["sql"] for q in captured.captured_queries)
    assert len(views) == 4 and sum(v.mine for v in views) == 2


def test_the_waiting_list_takes_its_clinics_from_the_kept_person(world, login, identity_kept):
    """The waiting list needs its clinics whole (the zone for today, the pace): kept
    with the intake coordinator, it reads no clinic (it read them by key: an index
    descent of three at 100,000 patients, bench/scale.py --secondary)."""
    client = login(world["intake"])
    response, sql = _reads(client, reverse("intake_waiting_list"))
    assert _clinic_reads(sql) == [], sql
    assert response.context["clinic"].time_zone == world.clinic.time_zone
    assert [c.pk for c in response.context["clinics"]] == [world.clinic.pk]
