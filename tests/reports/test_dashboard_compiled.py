"""The dashboards' reads of the kept counts and the workload reading are compiled once
per process (``core.prepared``, issue 16): building and compiling them on every request
was a fifth of the region's dashboard's CPU. A second request compiles none of them."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from tests.conftest import sign_in

READ_ONCE = (
    "reports_dashboardcount",
    "treatment_episode",
    "workload_timeentry",
    "messaging_message",
    "treatment_worksheetanswer",
)


def _compiled_on_second_request(client, url) -> list[str]:
    assert client.get(url).status_code == 200
    seen = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.parametrize("who", ["manager", "region_admin"])
def test_a_second_request_compiles_none_of_the_dashboards_reads(cohort, world, client, who):
    sign_in(client, world[who])
    if who == "manager":
        url = reverse("clinic_dashboard", args=[world.clinic.slug])
    else:
        url = reverse("region_dashboard", args=[world.region.pk])
    compiled = _compiled_on_second_request(client, url)
    assert compiled, "the patch sees Django's compiling"
    again = [sql for sql in compiled if any(table in sql for table in READ_ONCE)]
    assert not again, again
