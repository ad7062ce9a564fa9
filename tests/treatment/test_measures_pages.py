"""A patient's "Submitted questionnaires" table is paged, the latest first (decision 0140).

The staff page listed every answer the patient had ever sent, in every course: weekly
questionnaires for years are hundreds of rows. Now one page, a link to the next, the
chart above still drawing every answer, and the same queries for three pages of
answers as for one. Each test fails on the old page (no pages)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.treatment.models import Response
from tessera.treatment.views import progress as progress_views
from tests.paging import next_page, queries_of_a_full_page

PER_PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(progress_views, "RESPONSES_PER_PAGE", PER_PAGE, raising=False)


def _answer(world, n: int) -> None:
    start = timezone.now() - dt.timedelta(days=400)
    already = Response.objects.filter(episode=world.episode).count()
    for i in range(already, already + n):
        Response.objects.create(
            episode=world.episode,
            instrument="PHQ-9",
            instrument_version="1",
            language="en",
            answers={},
            total=i % 27,
            result={},
            submitted_at=start + dt.timedelta(days=7 * i),
            submitted_by=world.patient.user,
            submission_key=uuid.uuid4(),
        )


def _shown(page: str) -> list[int]:
    table = page.split("Submitted questionnaires", 1)[1]
    return [int(pk) for pk in re.findall(r'href="/patients/\d+/responses/(\d+)/"', table)]


def test_the_answers_table_shows_one_page_and_the_next(world, login, small_pages):
    _answer(world, 2 * PER_PAGE)  # with the world's GAD-7: three pages
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

    _answer(world, PER_PAGE - 1)
    one_page = count()
    _answer(world, 2 * PER_PAGE)
    assert count() == one_page
