"""The caseload's reads are built and compiled once per process, then run with the
next values (issue 16: building them was a third of the page's CPU): the episodes in
scope (``scope.caseload_rows``), the rows' episodes (``caseload._EPISODES``), and on
PostgreSQL the scores and the next questionnaire and session (``rows_for_ids``). A
second request compiles none of them."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


def _compiled_on_second_request(client, url) -> list[str]:
    first = client.get(url)
    assert first.status_code == 200 and 'id="caseload-' in first.content.decode()
    seen = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content.decode().count('id="caseload-') == first.content.decode().count(
        'id="caseload-'
    )
    return seen


def test_a_second_request_compiles_none_of_the_caseloads_reads(world, client):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    full_patient(world, world["therapist"], programme, 1, start=start)
    full_patient(world, world["therapist"], programme, 2, start=start)
    sign_in(client, world["therapist"])
    compiled = _compiled_on_second_request(client, reverse("caseload"))
    assert compiled, "the patch sees Django's compiling"
    once = ['"activity_at"', '"read_only_from" >']  # the rows' episodes; the scope
    if connection.vendor == "postgresql":
        once += ['"pre_rank"', '"treatment_duemeasure"."due_at"', '"appointments_appointment"']
    again = [sql for sql in compiled if any(part in sql for part in once)]
    assert not again, again
