"""The study's "Invite a patient" is a search, not a list of every course (decision 0139).

The page drew every open course at the study's sites as one select: at national scale
thousands of options, every patient's name sent to the browser. Now the coordinator
types part of a name or the identity number, sent by POST and kept out of the address
(decision 0119), and chooses among at most ``INVITE_MATCHES`` patients the access
policy lets them invite; each search is audited as the patient list's. Each test fails
on the old page (a select of every course, no search)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.research.forms import INVITE_MATCHES
from tessera.research.models import Participant
from tests.conftest import make_patient, sign_in
from tests.research import fixtures  # noqa: F401  (the shared study is built there)


def _search(client, study, words: str, **headers):
    url = reverse("study_participants", args=[study.study.pk])
    response = client.post(url, {"q": words}, **headers)
    assert response.status_code == 303, response.status_code
    location = response["Location"]
    assert words not in location and urlsplit(location).path == url
    return location


def _choices(page: str) -> dict[int, str]:
    return {
        int(value): " ".join(text.split())
        for value, text in re.findall(
            r'<input type="radio" name="episode" value="(\d+)"[^>]*>\s*<label[^>]*>([^<]*)</label>',
            page,
        )
    }


def test_the_page_lists_no_one_until_a_search(world, study, client):
    sign_in(client, study.coordinator)
    page = client.get(reverse("study_participants", args=[study.study.pk])).content.decode()
    assert 'name="episode"' not in page
    assert "Larsson" not in page and "Berg" not in page
    assert 'role="search"' in page and 'name="q"' in page


def test_a_search_finds_the_patient_and_the_invitation_follows(world, study, client):
    sign_in(client, study.coordinator)
    location = _search(client, study, "Lars")
    page = client.get(location).content.decode()
    choices = _choices(page)
    assert list(choices) == [world.episode.pk], choices
    assert choices[world.episode.pk].startswith("Pia Larsson")
    assert "Berg" not in page  # Olle Berg does not match
    token = re.search(r'name="s" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("study_participants", args=[study.study.pk]),
        {"episode": world.episode.pk, "s": token},
    )
    assert response.status_code == 302
    assert Participant.objects.filter(study=study.study, episode=world.episode).exists()


def test_a_search_by_identity_number(world, study, client):
    world.patient.national_id = "199001022383"
    world.patient.save(update_fields=["national_id"])
    sign_in(client, study.coordinator)
    page = client.get(_search(client, study, "199001022383")).content.decode()
    assert list(_choices(page)) == [world.episode.pk]


def test_a_patient_outside_the_study_sites_is_never_shown(world, study, client):
    """Fia at the beta clinic (not a site of the study) matches the words, but the
    coordinator may not invite, nor see, her: her name never reaches the page."""
    sign_in(client, study.coordinator)
    page = client.get(_search(client, study, "Fia")).content.decode()
    assert _choices(page) == {}
    assert "Fia" not in page.replace('value="Fia"', "")
    assert "No patient who can be invited matches the search." in page


def test_each_search_is_audited_as_the_patient_lists(world, study, client):
    sign_in(client, study.coordinator)
    before = AuditEvent.objects.filter(action="patient.list_viewed").count()
    client.get(_search(client, study, "Lars"))
    events = AuditEvent.objects.filter(action="patient.list_viewed").order_by("pk")
    assert events.count() == before + 1
    event = events.last()
    assert event.actor == study.coordinator
    assert event.changes == {"patients": [world.patient.pk]}


def test_a_search_shows_a_short_list_and_asks_for_more(world, study, client):
    for n in range(INVITE_MATCHES + 3):
        make_patient(world.clinic, f"many{n}@alpha.test", first="Manne", last=f"Many{n:02d}")
    sign_in(client, study.coordinator)
    page = client.get(_search(client, study, "Manne")).content.decode()
    assert len(_choices(page)) == INVITE_MATCHES
    assert "type more of the name, or the whole identity number" in page


def test_the_query_count_of_a_search_is_the_same_for_three_patients_or_twenty(world, study, client):
    sign_in(client, study.coordinator)

    def count(words: str) -> int:
        location = _search(client, study, words)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(location)
        assert page.status_code == 200
        return len(queries)

    for n in range(3):
        make_patient(world.clinic, f"few{n}@alpha.test", first="Fewa", last=f"Few{n}")
    few = count("Fewa")
    for n in range(17):
        make_patient(world.clinic, f"more{n}@alpha.test", first="Fewa", last=f"More{n}")
    assert count("Fewa") == few
    # The page as measured on each backend (decision 0139).
    assert few == (13 if connection.vendor == "postgresql" else 17), few


def test_the_search_as_one_types_fetches_the_found_part_alone(world, study, client):
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    response = client.post(
        url, {"q": "Lars"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="invite-found"
    )
    assert response.status_code == 200 and "Lars" not in response["HX-Location"]
    path = json.loads(response["HX-Location"])["path"]
    part = client.get(path, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and list(_choices(part)) == [world.episode.pk]


def test_what_the_search_as_one_types_found_is_said_in_the_status_line(world, study, client):
    """WCAG 4.1.3 (decision 0143): the found part was a live region, so a screen reader
    read the whole new form out at every pause in typing (or nothing it could follow).
    Now the part is swapped quietly and one line in the page's status region says what
    was found."""
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    page = client.get(url).content.decode()
    assert '<p id="invite-search-status" class="visually-hidden" aria-live="polite"></p>' in page
    assert 'id="invite-found">' in page and 'id="invite-found" aria-live' not in page

    def said(words: str) -> str:
        sent = client.post(url, {"q": words}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="invite-found")
        part = client.get(json.loads(sent["HX-Location"])["path"], HTTP_HX_REQUEST="true")
        line = re.search(
            r'<p id="invite-search-status" hx-swap-oob="innerHTML">(.*?)</p>',
            part.content.decode(),
        )
        assert line is not None
        return line.group(1)

    assert said("Lars") == "1 patient found"
    assert said("Nobodyhere") == "No patient who can be invited matches the search."
