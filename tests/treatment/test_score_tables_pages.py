"""Each chart's table of values is paged, the latest first, for the patient and for the
care team (decision 0147).

The table beside a chart (its values as text, for a screen reader) listed every answer
the chart drew, oldest first: a weekly questionnaire for years is hundreds of rows on
"My progress" and on a patient's scores page. Now one page of each table, a link to the
next that keeps the other tables' pages, and the same queries for three pages as for
one. Each test fails on the old table (every row, oldest first)."""

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
    monkeypatch.setattr(progress_views, "SCORES_PER_PAGE", PER_PAGE, raising=False)


def _phq9_table(page: str) -> list[int]:
    """The totals in the PHQ-9 chart's table, in the order shown."""
    section = page.split('id="series-phq-9"', 1)[1].split("</section>", 1)[0]
    return [int(total) for total in re.findall(r"<tr><td>[^<]*</td><td>(\d+)</td>", section)]


def _urls(world):
    return [
        (world["therapist"], reverse("patient_measures", args=[world.patient.pk])),
        (world.patient.user, reverse("my_progress")),
    ]


@pytest.mark.parametrize("reader", [0, 1], ids=["care team", "patient"])
def test_a_charts_table_shows_one_page_latest_first_and_the_next(world, login, small_pages, reader):
    Response.objects.filter(episode=world.episode, instrument="PHQ-9").delete()
    answer_weekly_phq9(world, 2 * PER_PAGE + 1)
    person, url = _urls(world)[reader]
    client = login(person)
    first = client.get(url).content.decode()
    newest = list(range(2 * PER_PAGE, -1, -1))
    assert _phq9_table(first) == newest[:PER_PAGE]
    assert re.search(r'<nav class="pagination" aria-label="Pages of [^"]+ scores">', first)
    following = next_page(first)
    assert "phq-9-page=2" in following
    second = client.get(url + following).content.decode()
    assert _phq9_table(second) == newest[PER_PAGE : 2 * PER_PAGE]
    third = client.get(url + next_page(second)).content.decode()
    assert _phq9_table(third) == newest[2 * PER_PAGE :]


@pytest.mark.parametrize("reader", [0, 1], ids=["care team", "patient"])
def test_a_charts_table_reads_the_same_queries_for_one_page_or_three(
    world, login, small_pages, reader
):
    Response.objects.filter(episode=world.episode, instrument="PHQ-9").delete()
    person, url = _urls(world)[reader]
    client = login(person)
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _phq9_table, PER_PAGE)

    answer_weekly_phq9(world, PER_PAGE)
    one_page = count()
    answer_weekly_phq9(world, 2 * PER_PAGE)
    assert count() == one_page
