"""A region's clinics and a clinic's staff table are paged (decision 0140).

The region administrator's "Clinics" listed every clinic of the region on one page, and a
clinic's page every role of its staff: both grow with a national service. Now one page,
a link to the next, and the same queries for three pages as for one. Each test fails on
the old pages (no pages)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core import actions
from tessera.core.roles import Role
from tessera.core.views import clinics as clinic_views
from tests.conftest import make_clinic, make_user
from tests.paging import next_page, queries_of_a_full_page

PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(clinic_views, "CLINICS_PER_PAGE", PER_PAGE, raising=False)
    monkeypatch.setattr(clinic_views, "STAFF_PER_PAGE", PER_PAGE, raising=False)


def _clinics(world, first: int, last: int) -> None:
    for n in range(first, last):
        make_clinic(world.region, f"zz-{n:02d}")


def _staff(world, first: int, last: int) -> None:
    for n in range(first, last):
        user = make_user(f"zz{n}@alpha.test", first_name="Zeta", last_name=f"Zz{n:02d}")
        actions.do_grant_role(user, world.clinic, Role.THERAPIST)


def _clinic_links(page: str) -> list[str]:
    return [slug for slug in re.findall(r'<a href="/clinics/([\w-]+)/">', page) if slug != "new"]


def test_the_regions_clinics_show_one_page_and_thenext_page(world, login, small_pages):
    _clinics(world, 0, 2 * PER_PAGE)  # with alpha and beta: 8 clinics, 3 pages
    client = login(world["region_admin"])
    url = reverse("clinic_list")
    first = client.get(url).content.decode()
    assert _clinic_links(first) == ["alpha", "beta", "zz-00"]
    assert "Page 1 of 3" in first and 'aria-label="Pages"' in first
    second = client.get(url + next_page(first)).content.decode()
    assert _clinic_links(second) == ["zz-01", "zz-02", "zz-03"]


def test_the_regions_clinics_read_the_same_queries_for_one_page_or_three(world, login, small_pages):
    client = login(world["region_admin"])
    url = reverse("clinic_list")
    client.get(url)

    def count() -> int:
        return queries_of_a_full_page(client, url, _clinic_links, PER_PAGE)

    _clinics(world, 0, 1)
    one_page = count()
    _clinics(world, 1, 2 * PER_PAGE + 1)
    assert count() == one_page


def _staff_rows(page: str) -> list[str]:
    return re.findall(r"<td>Zeta (Zz\d+)</td>", page)


def test_a_clinics_staff_table_shows_one_page_and_thenext_page(world, login, small_pages):
    from tessera.core.models import ClinicRole

    _staff(world, 0, 3 * PER_PAGE)
    roles = ClinicRole.objects.filter(clinic=world.clinic).count()
    client = login(world["manager"])
    url = reverse("clinic_detail", args=[world.clinic.slug])
    first = client.get(url).content.decode()
    pages = -(-roles // PER_PAGE)
    assert f"Page 1 of {pages}" in first
    seen = set(_staff_rows(first))
    page = first
    for _ in range(pages - 1):
        page = client.get(url + next_page(page)).content.decode()
        assert not seen & set(_staff_rows(page))
        seen |= set(_staff_rows(page))
    assert seen == {f"Zz{n:02d}" for n in range(3 * PER_PAGE)}


def test_a_clinics_page_reads_the_same_queries_for_one_page_of_staff_or_three(
    world, login, small_pages
):
    client = login(world["manager"])
    url = reverse("clinic_detail", args=[world.clinic.slug])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<tr><td>", body.index("Staff</h2>")) == PER_PAGE
        return len(queries)

    one_page = count()
    _staff(world, 0, 2 * PER_PAGE)
    assert count() == one_page


def _people(page: str) -> list[str]:
    return re.findall(r"Zeta (Zz\d+)</a>", page)


def test_the_staff_page_shows_one_page_of_people_and_thenext_page(world, login, monkeypatch):
    from tessera.core.views import staff as staff_views

    monkeypatch.setattr(staff_views, "STAFF_PER_PAGE", PER_PAGE, raising=False)
    _staff(world, 0, 3 * PER_PAGE)
    client = login(world["manager"])
    url = reverse("clinic_staff", args=[world.clinic.slug])
    page = client.get(url).content.decode()
    assert 'aria-label="Pages"' in page and "Page 1 of" in page
    seen = set(_people(page))
    assert len(page.split("<tbody>")[1].split("</tbody>")[0].split("<tr ")) - 1 == PER_PAGE
    while 'rel="next"' in page:
        page = client.get(url + next_page(page)).content.decode()
        assert not seen & set(_people(page))
        seen |= set(_people(page))
    assert seen == {f"Zz{n:02d}" for n in range(3 * PER_PAGE)}


def test_the_staff_page_reads_the_same_queries_for_one_page_or_three(world, login, monkeypatch):
    from tessera.core.views import staff as staff_views

    monkeypatch.setattr(staff_views, "STAFF_PER_PAGE", PER_PAGE, raising=False)
    client = login(world["manager"])
    url = reverse("clinic_staff", args=[world.clinic.slug])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<tr data-user=") == PER_PAGE
        return len(queries)

    one_page = count()
    _staff(world, 0, 2 * PER_PAGE)
    assert count() == one_page
