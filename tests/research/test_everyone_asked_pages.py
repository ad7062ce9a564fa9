"""A study's "Everyone asked" is paged, the latest invitation first (decision 0140).

The table listed every participant the study had ever asked, on one page: at a national
site thousands of rows, each with its patient, stage and arm. Now it shows one page,
links to the next, and reads as many queries for three pages of participants as for
one. Each test fails on the old page (no pages, the oldest invitation first)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tessera.research.views import participants as participant_views
from tests.conftest import make_patient, sign_in
from tests.paging import next_page, queries_of_a_full_page
from tests.research import fixtures  # noqa: F401  (the shared study is built there)

PER_PAGE = 5


@pytest.fixture
def small_pages(monkeypatch):
    # A page of five: three pages are fifteen invitations, quick to build.
    monkeypatch.setattr(participant_views, "PARTICIPANTS_PER_PAGE", PER_PAGE, raising=False)


def _invite(world, study, first: int, last: int) -> None:
    from tessera.research import actions

    for n in range(first, last):
        _, episode = make_patient(
            world.clinic, f"asked{n}@alpha.test", first="Asked", last=f"Number{n:03d}"
        )
        actions.do_invite(study.study, episode, acting_user=study.coordinator)


def _rows(page: str) -> list[str]:
    table = page.split("Everyone asked", 1)[1]
    return re.findall(r"Asked Number(\d+)", table)


def test_everyone_asked_shows_one_page_newest_first_and_the_next(world, study, client, small_pages):
    _invite(world, study, 0, 2 * PER_PAGE + 1)
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    first = client.get(url).content.decode()
    assert _rows(first) == [f"{n:03d}" for n in range(10, 5, -1)]
    assert 'aria-label="Pages"' in first and "Page 1 of 3" in first
    following = next_page(first)
    second = client.get(url + following).content.decode()
    assert _rows(second) == [f"{n:03d}" for n in range(5, 0, -1)]
    assert "Page 2 of 3" in second and 'rel="prev"' in second
    last = client.get(url + "?page=3").content.decode()
    assert _rows(last) == ["000"] and 'rel="next"' not in last


def test_a_found_search_stays_on_the_next_page(world, study, client, small_pages):
    """The invitation's search is kept by its token in the address (decision 0119), not
    its words, and the next page of "Everyone asked" keeps it."""
    _invite(world, study, 0, PER_PAGE + 1)
    make_patient(world.clinic, "notyet@alpha.test", first="Notyet", last="Invited")
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    found = client.post(url, {"q": "Notyet"})["Location"]
    assert "Notyet" not in found
    page = client.get(found).content.decode()
    following = next_page(page)
    assert "Notyet" not in following and "page=2" in following
    second = client.get(url + following).content.decode()
    assert "Notyet Invited" in second and _rows(second) == ["000"]


def test_everyone_asked_reads_the_same_queries_for_one_page_or_three(
    world, study, client, small_pages
):
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _rows, PER_PAGE)

    _invite(world, study, 0, PER_PAGE)
    one_page = count()
    _invite(world, study, PER_PAGE, 3 * PER_PAGE)
    assert count() == one_page
