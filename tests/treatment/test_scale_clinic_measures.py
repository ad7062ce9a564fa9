"""The clinic measures page reads its clinic by the short name in the address, stopping
at the clinic's row (issue 16, decision 0091): the clinics' table is small enough that
the planner scans it, and with ``get()`` (``LIMIT 21``, ordered by name) it read every
clinic's page; the short name is unique, so ``LIMIT 1`` with no order lets the scan stop
at the row. A clinic that does not exist, or that the manager does not manage, is 404."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_the_clinic_is_read_by_its_short_name_up_to_its_row(world, login):
    client = login(world["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("clinic_measures", args=[world.clinic.slug]))
    assert response.status_code == 200
    assert response.context["clinic"] == world.clinic
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "core_clinic"' in q["sql"] and '"core_clinic"."slug" =' in q["sql"]
    ]
    assert len(reads) == 1, reads
    assert reads[0].rstrip().endswith("LIMIT 1") and "ORDER BY" not in reads[0], reads
    # Another clinic, or none: not found, as before.
    for slug in (world.other_clinic.slug, "no-such-clinic"):
        assert client.get(reverse("clinic_measures", args=[slug])).status_code == 404
