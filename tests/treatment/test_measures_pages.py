"""A patient's "Submitted questionnaires" table is paged, the latest first (decision 0140).

The staff page listed every answer the patient had ever sent, in every course: weekly
questionnaires for years are hundreds of rows. Now one page, a link to the next, the
chart above still drawing every answer, and the same queries for three pages of
answers as for one. Each test fails on the old page (no pages)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tessera.treatment.models import Response
from tessera.treatment.views import progress as progress_views
from tests.paging import answer_weekly_phq9, next_page, queries_of_a_full_page

PER_PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(progress_views, "RESPONSES_PER_PAGE", PER_PAGE, raising=False)


def _shown(page: str) -> list[int]:
    table = page.split("Submitted questionnaires", 1)[1]
    return [int(pk) for pk in re.findall(r'href="/patients/\d+/responses/(\d+)/"', table)]


def test_the_answers_table_shows_one_page_and_the_next(world, login, small_pages):
    # With the world's GAD-7: three pages.
    answer_weekly_phq9(world, 2 * PER_PAGE, after_all_answers=True)
    newest = list(
        Response.objects.filter(episode=world.episode)
        .order_by("-submitted_at", "-id")
        .values_list("pk", flat=True)
    )
    client = login(world["therapist"])
    url = reverse("patient_measures", args=[world.patient.pk])
    first = client.get(url).content.decode()
    assert _shown(first) == newest[:PER_PAGE]
    assert "Page 1 of 3" in first and 'aria-label="Pages"' in first
    following = next_page(first)
    second = client.get(url + following).content.decode()
    assert _shown(second) == newest[PER_PAGE : 2 * PER_PAGE]


def test_the_answers_table_reads_the_same_queries_for_one_page_or_three(world, login, small_pages):
    client = login(world["therapist"])
    url = reverse("patient_measures", args=[world.patient.pk])
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _shown, PER_PAGE)

    answer_weekly_phq9(world, PER_PAGE - 1, after_all_answers=True)
    one_page = count()
    answer_weekly_phq9(world, 2 * PER_PAGE, after_all_answers=True)
    assert count() == one_page
