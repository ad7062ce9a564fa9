"""An episode's letters are paged, the latest first (decision 0140).

The page listed every letter the episode had, on one page; a course of years gathers
receipts, start, progress and ending letters without end. Now one page, a link to the
next, and the same queries for three pages of letters as for one. Each test fails on
the old page (no pages)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tessera.letters import views as letter_views
from tessera.letters.actions import do_write_letter
from tessera.letters.models import Letter
from tests.gp_letters import agree_to_gp_letters
from tests.paging import next_page, queries_of_a_full_page

PER_PAGE = 3


@pytest.fixture
def small_pages(world, monkeypatch):
    agree_to_gp_letters(world)
    monkeypatch.setattr(letter_views, "LETTERS_PER_PAGE", PER_PAGE, raising=False)
    return world


def _write(world, n: int) -> None:
    # Each with its own note: the same letter again within minutes is one letter.
    written = Letter.objects.filter(episode=world.episode).count()
    for i in range(written, written + n):
        do_write_letter(world.episode, "started", acting_user=world["therapist"], note=f"Week {i}.")


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/letters/(\d+)/"', page)]


def test_the_letters_show_one_page_and_the_next(small_pages, login):
    world = small_pages
    _write(world, 2 * PER_PAGE + 1)
    newest = list(Letter.objects.filter(episode=world.episode).values_list("pk", flat=True))
    client = login(world["therapist"])
    url = reverse("episode_letters", args=[world.episode.pk])
    first = client.get(url).content.decode()
    assert _shown(first) == newest[:PER_PAGE]
    assert "Page 1 of 3" in first and 'aria-label="Pages"' in first
    following = next_page(first)
    second = client.get(url + following).content.decode()
    assert _shown(second) == newest[PER_PAGE : 2 * PER_PAGE]
    assert "Page 2 of 3" in second


def test_the_letters_read_the_same_queries_for_one_page_or_three(small_pages, login):
    world = small_pages
    client = login(world["therapist"])
    url = reverse("episode_letters", args=[world.episode.pk])
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _shown, PER_PAGE)

    _write(world, PER_PAGE)
    one_page = count()
    _write(world, 2 * PER_PAGE)
    assert count() == one_page
