"""The pages of one clinic named by its short name in the address (clinic measures and
the other settings, staff, workload and report pages of a clinic) take the clinic from
the signed-in person's kept role clinics when it is one of theirs (issue 16, decision
0091, section of 2026-12-06): no read of the clinics' table at all, where the read by
short name scanned it up to the clinic's row (1 page for the benchmark's demo clinic, 3
for a clinic at the table's end at 100,000 patients). The access package still decides:
a clinic they do not manage, or none, is 404. Another clinic, or a person not kept, is
read by its short name with ``LIMIT 1`` and no order, stopping at the row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _by_short_name(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "core_clinic"' in q["sql"] and '"core_clinic"."slug" =' in q["sql"]
    ]


# The pages of a clinic its manager sees, by name (each takes the short name alone).
MANAGERS_PAGES = [
    "clinic_measures",
    "clinic_detail",
    "clinic_edit",
    "clinic_staff",
    "clinic_instruments",
    "clinic_programmes",
    "team_workload",
    "clinic_outcomes",
    "clinic_dashboard",
    "quarterly_list",
]


@pytest.mark.parametrize("name", MANAGERS_PAGES)
def test_a_managers_own_clinic_is_taken_from_the_kept_person(world, login, identity_kept, name):
    client = login(world["manager"])
    url = reverse(name, args=[world.clinic.slug])
    client.get(url)  # the person kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    assert response.context["clinic"] == world.clinic
    assert _by_short_name(captured) == []
    # Another clinic, or none: not found, as before (read by its short name).
    for slug in (world.other_clinic.slug, "no-such-clinic"):
        assert client.get(reverse(name, args=[slug])).status_code == 404, (name, slug)


def test_another_clinic_is_read_by_its_short_name_up_to_its_row(world, login, identity_kept):
    client = login(world["manager"])
    client.get(reverse("clinic_measures", args=[world.clinic.slug]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("clinic_measures", args=[world.other_clinic.slug]))
    assert response.status_code == 404
    reads = _by_short_name(captured)
    assert len(reads) == 1, reads
    assert reads[0].rstrip().endswith("LIMIT 1") and "ORDER BY" not in reads[0], reads


def test_without_a_kept_person_the_clinic_is_read_by_its_short_name(world, login, settings):
    settings.TESSERA_IDENTITY_CACHE = False
    client = login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("clinic_measures", args=[world.clinic.slug]))
    assert response.status_code == 200
    assert response.context["clinic"] == world.clinic
    reads = _by_short_name(captured)
    assert len(reads) == 1, reads
    assert reads[0].rstrip().endswith("LIMIT 1") and "ORDER BY" not in reads[0], reads
    for slug in (world.other_clinic.slug, "no-such-clinic"):
        assert client.get(reverse("clinic_measures", args=[slug])).status_code == 404


def test_a_change_to_the_kept_clinic_on_its_page_stays_on_that_page(world, login, identity_kept):
    """The page's clinic is a copy of the kept one: a settings form that fails to save
    does not change the clinic the person's other rows are given in that request."""
    from tessera.core import identity
    from tessera.core.known_related import clinic_by_slug

    user = login(world["manager"]).get("/").wsgi_request.user
    kept_clinic = identity.role_clinics(user)[world.clinic.pk]
    page_clinic = clinic_by_slug(user, world.clinic.slug)
    assert page_clinic == kept_clinic and page_clinic is not kept_clinic
    page_clinic.name = "Changed on the page"
    assert identity.role_clinics(user)[world.clinic.pk].name == world.clinic.name
