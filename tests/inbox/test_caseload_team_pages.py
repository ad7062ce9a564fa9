"""A team's caseload ("The whole team", "Patients without a therapist") is paged; by name,
in the database: only the page's episodes are read and worked out, the same queries for
one page of rows and three (issue 16, decision 0147's follow-up). It read every episode
of the team's clinics and drew them on one page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent, Episode
from tessera.inbox import caseload
from tests.conftest import sign_in
from tests.inbox.inbox_world import caseload as build_caseload
from tests.inbox.inbox_world import manual_programme, risk_alert
from tests.paging import next_page, queries_of_a_full_page

pytestmark = pytest.mark.django_db

URL = "/caseload/?therapist=all&sort=patient"


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="caseload-(\d+)"', html)]


def test_it_pages_through_the_team_by_name(world, client, monkeypatch):
    monkeypatch.setattr(caseload, "PER_PAGE", 2)
    programme = manual_programme(world.region)
    build_caseload(world, world["therapist"], programme, 3)
    build_caseload(world, world["colleague"], programme, 2)
    sign_in(client, world["supervisor"])
    seen, url, pages = [], URL, 0
    while True:
        response = client.get(url)
        html = response.content.decode()
        rows = _rows(html)
        assert 1 <= len(rows) <= 2
        seen += rows
        pages += 1
        # The page's patients only are audited as viewed.
        event = AuditEvent.objects.filter(action="caseload.viewed").latest("id")
        assert len(event.changes["patients"]) == len(rows)
        if 'rel="next"' not in html:
            break
        url = reverse("caseload") + next_page(html)
    assert pages >= 3 and len(seen) == len(set(seen)) == response.context["total"] >= 5
    names = {
        e.pk: (e.patient_last_name.lower(), e.patient_first_name.lower(), e.pk)
        for e in Episode.objects.filter(pk__in=seen)
    }
    assert seen == sorted(seen, key=names.__getitem__)


def test_a_team_page_asks_the_same_queries_for_one_page_of_rows_and_three(
    world, client, monkeypatch, read_from_database
):
    programme = manual_programme(world.region)
    sign_in(client, world["supervisor"])
    build_caseload(world, world["therapist"], programme, 2)
    size = client.get(URL).context["total"]  # the world's team and these two
    monkeypatch.setattr(caseload, "PER_PAGE", size)
    client.get(URL)
    one = queries_of_a_full_page(client, URL, _rows, size)
    assert client.get(URL).context["page"].paginator.num_pages == 1
    build_caseload(world, world["colleague"], programme, size + 1)
    three = queries_of_a_full_page(client, URL, _rows, size)
    assert client.get(URL).context["page"].paginator.num_pages == 3
    assert one == three, (one, three)


def test_the_teams_list_leads_with_the_patients_at_risk(world, client, monkeypatch):
    """Its default is most open alerts first, as a therapist's own list: a patient at
    risk whose name sorts last is on the first page, at the top."""
    monkeypatch.setattr(caseload, "PER_PAGE", 2)
    programme = manual_programme(world.region)
    build_caseload(world, world["therapist"], programme, 3)
    build_caseload(world, world["colleague"], programme, 2)
    team = Episode.objects.filter(
        clinic=world.clinic, therapist__in=[world["therapist"], world["colleague"]]
    )
    last = team.order_by("-patient_last_name", "-patient_first_name", "-pk").first()
    for _ in range(5):  # more open alerts than the built patients' one each
        risk_alert(last, at=timezone.now())
    sign_in(client, world["supervisor"])
    rows = _rows(client.get("/caseload/?therapist=all").content.decode())
    assert rows[0] == last.pk
