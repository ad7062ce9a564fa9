"""The inbox page, its menu entry and the counts on the staff home page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tests.conftest import sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(world, world["therapist"], programme, 1, start=start)


@pytest.mark.parametrize(
    ("kind", "has_entry"),
    [
        ("therapist", True),
        ("supervisor", True),
        ("manager", True),
        ("intake", False),
        ("author", False),
        ("patient", False),
    ],
)
def test_the_menu_has_an_inbox_for_the_roles_that_have_one(world, client, kind, has_entry):
    sign_in(client, world[kind])
    nav = client.get(reverse("home")).context["nav"]
    entries = [(href, str(label)) for href, label in nav]
    assert ((reverse("inbox"), "Inbox") in entries) == has_entry


def test_the_inbox_lists_rows_with_counts_and_filters_by_kind(world, full, client):
    sign_in(client, world["therapist"])
    html = client.get(reverse("inbox")).content.decode()
    assert "Risk alerts (1)" in html and "Modules to open (1)" in html
    assert html.index('data-kind="risk"', html.index("<tbody>")) < html.index(
        'data-kind="reply"', html.index("<tbody>")
    )
    assert f'href="/episodes/{full[1].pk}/messages/?answer={full[2].pk}"' in html
    filtered = client.get(reverse("inbox") + "?kind=unlock").content.decode()
    body = filtered[filtered.index("<tbody>") :]
    assert 'data-kind="unlock"' in body and 'data-kind="risk"' not in body
    event = AuditEvent.objects.filter(action="inbox.viewed").latest("id")
    assert full[0].pk in event.changes["patients"]


def test_a_supervisor_picks_a_therapist_of_the_team(world, full, client):
    sign_in(client, world["supervisor"])
    html = client.get(reverse("inbox")).content.decode()
    assert 'name="therapist"' in html and "The whole team" in html
    assert 'id="risk-' in html  # the whole team by default
    colleague = client.get(
        reverse("inbox") + f"?therapist={world['colleague'].pk}"
    ).content.decode()
    assert "Nothing is waiting." in colleague


def test_the_home_page_shows_the_inbox_counts(world, full, client):
    sign_in(client, world["therapist"])
    html = client.get(reverse("home")).content.decode()
    assert "Your inbox" in html
    assert f'href="{reverse("inbox")}?kind=risk">Risk alerts: 1<' in html


def test_the_patient_record_links_to_the_overview(world, client):
    sign_in(client, world["therapist"])
    html = client.get(reverse("patient_detail", kwargs={"pk": world.patient.pk})).content.decode()
    assert reverse("episode_overview", kwargs={"episode_id": world.episode.pk}) in html


def test_the_inbox_groups_by_patient_on_request(world, full, client):
    sign_in(client, world["therapist"])
    response = client.get(reverse("inbox") + "?group=patient")
    html = response.content.decode()
    assert response.context["grouped"] is True
    (group,) = response.context["page"].object_list
    assert group.episode.pk == full[1].pk
    assert len({item.kind for item in group.items}) >= 5
    assert html.count(f'id="patient-{full[1].pk}"') == 1
    assert "One row per patient" in html and 'data-kind="risk"' in html
    # the kind filter keeps the grouping
    only = client.get(reverse("inbox") + "?group=patient&kind=reply").context["page"]
    assert {item.kind for group in only.object_list for item in group.items} == {"reply"}


def test_overdue_questionnaires_are_one_row_per_patient(world, full, client):
    from tessera.inbox import collect

    rows = collect.overdue_questionnaires([full[1].pk], timezone.now())
    assert len(rows) == 1
    assert "questionnaires are not filled in" in rows[0].reason or "was due on" in rows[0].reason
