"""The patient list's search counted no further than a cap (decision 0165, issue 16): a
common part of a name finds a share of the whole clinic, and counting every match read
every match (1,545 pages at 100,000 patients for "ander", decision 0163). Beyond the cap
the list says that more match and asks for more of the name; its first page is the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tessera.core import access
from tessera.core.views import patients as patient_views
from tests.core.test_patient_listing import _expected, _listed, crowd  # noqa: F401
from tests.core.test_scale import EPISODE_LIST_INDEXES, explain, postgres_only

# "lar" finds the crowd's 30 "Lar.." patients and Pia Larsson in the manager's clinic.
CAP = 26


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(patient_views, "SEARCH_CAP", CAP)


@pytest.mark.parametrize("kind", ["therapist", "colleague", "manager", "supervisor"])
@pytest.mark.parametrize("query", ["lar", "LAR0", "111", "Practice", "zzqx"])
def test_the_capped_count_is_the_lists_count_up_to_the_cap(world, crowd, kind, query):  # noqa: F811
    user = world[kind]
    every = len(_expected(user, query))
    assert access.real_patients_found(user, query, 1000) == every
    assert access.real_patients_found(user, query, 3) == min(every, 4)


def test_a_search_beyond_the_cap_says_more_match_and_shows_the_same_first_page(
    world,
    login,
    crowd,  # noqa: F811
    small_cap,
):
    manager = world["manager"]
    every = _expected(manager, "lar")
    assert len(every) > CAP
    client = login(manager)
    response = client.get(reverse("patient_list"), {"q": "lar"})
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == CAP + 1
    assert [p.pk for p in page.object_list] == every[:25]
    assert _listed(client, q="lar", page=2) == every[25 : CAP + 1]
    text = response.content.decode()
    assert f"More than {CAP} patients match: add more to the search" in text
    # The search as you type says it in its status line.
    found = client.get(reverse("patient_list"), {"q": "lar"}, HTTP_HX_REQUEST="true")
    assert f"More than {CAP} patients match: add more to the search" in found.content.decode()
    # A search under the cap is counted in full, and says how many.
    page = client.get(reverse("patient_list"), {"q": "LAR0"}).context["page"]
    assert not page.paginator.capped
    assert page.paginator.count == len(_expected(manager, "LAR0"))
    assert (
        "patients match" not in client.get(reverse("patient_list"), {"q": "LAR0"}).content.decode()
    )


@pytest.mark.parametrize("language", ["sv", "nb", "da", "nl"])
def test_the_capped_wording_is_translated(language):
    english = "More than %(n)s patients match: add more to the search"
    with translation.override(language):
        said = translation.gettext(english)
    assert said != english and "%(n)s" in said


def test_the_list_without_search_words_is_counted_in_full(world, login, crowd, small_cap):  # noqa: F811
    page = login(world["manager"]).get(reverse("patient_list")).context["page"]
    assert not getattr(page.paginator, "capped", False)
    assert page.paginator.count == len(_expected(world["manager"]))


def _page_sql(user, query: str) -> str:
    page = patient_views.patient_paginator(user, query)
    page.get_page(1)  # the user's roles, read once
    page = patient_views.patient_paginator(user, query)
    with CaptureQueriesContext(connection) as captured:
        page.get_page(1)
        page.count  # noqa: B018 (known from the page's own read)
    (query,) = captured.captured_queries
    return query["sql"]


@postgres_only
@pytest.mark.parametrize("kind", ["therapist", "manager"])
def test_a_searchs_page_and_capped_count_are_one_read(world, kind):
    """The first page and the count are one query (a window's count over the list
    sorted no further than the cap: LIMIT 1001 inside), where they were two reads of
    every match. The list's arms are read as before (their own index ranges)."""
    sql = _page_sql(world[kind], "lar")
    assert sql.startswith("SELECT listed.*, COUNT(*) OVER () FROM ("), sql
    assert "LIMIT 1001) listed ORDER BY 1, 2, 3 LIMIT 25 OFFSET 0" in sql, sql
    assert " UNION " in sql, sql
    plan = explain(sql, None, only={"treatment_episode": EPISODE_LIST_INDEXES})
    assert "WindowAgg" in plan and "Limit" in plan, plan
    assert "core_patient_pkey" not in plan, plan
