"""The caseload's reads are built and compiled once per process, then run with the
next values (issue 16: building them was a third of the page's CPU): the episodes in
scope with what the rows show of them (``scope.caseload_rows``), their programmes
(``caseload._VERSIONS``), and on PostgreSQL the scores, the kept activity and the next
questionnaire and session (``rows_for_ids``). A second request compiles none of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.compiled_sql import compiled_on_second_request
from tests.conftest import sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


def test_a_second_request_compiles_none_of_the_caseloads_reads(world, client):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    full_patient(world, world["therapist"], programme, 1, start=start)
    full_patient(world, world["therapist"], programme, 2, start=start)
    sign_in(client, world["therapist"])
    compiled, first, second = compiled_on_second_request(client, reverse("caseload"))
    rows = first.count('id="caseload-')
    assert rows >= 2 and second.count('id="caseload-') == rows
    # The episodes in scope, their programmes.
    once = ['"read_only_from" >', '"programs_programmeversion"."languages"']
    if connection.vendor == "postgresql":
        once += ['"pre_rank"', '"treatment_episodeactivity"', '"appointments_appointment"']
    again = [sql for sql in compiled if any(part in sql for part in once)]
    assert not again, again
