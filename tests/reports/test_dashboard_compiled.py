"""The dashboards' reads of the kept counts and the workload reading are compiled once
per process (``core.prepared``, issue 16): building and compiling them on every request
was a fifth of the region's dashboard's CPU. A second request compiles none of them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.compiled_sql import compiled_on_second_request
from tests.conftest import sign_in

READ_ONCE = (
    "reports_dashboardcount",
    "treatment_episode",
    "workload_timeentry",
    "messaging_message",
    "treatment_worksheetanswer",
)


@pytest.mark.parametrize("who", ["manager", "region_admin"])
def test_a_second_request_compiles_none_of_the_dashboards_reads(cohort, world, client, who):
    sign_in(client, world[who])
    if who == "manager":
        url = reverse("clinic_dashboard", args=[world.clinic.slug])
    else:
        url = reverse("region_dashboard", args=[world.region.pk])
    compiled, _first, _second = compiled_on_second_request(client, url)
    again = [sql for sql in compiled if any(table in sql for table in READ_ONCE)]
    assert not again, again
