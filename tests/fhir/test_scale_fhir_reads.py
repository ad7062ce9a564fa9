"""The FHIR reads at national scale (issue 16, decision 0091): a patient's sessions and
letters are read without joining the users' or clinics' table (their therapist and
clinic are the episode's, read already; any other in one more query, only then), and
a search of a patient's questionnaires and observations reads the client's episodes of
that patient once, not the client's scope once per response. Same resources, same
number of queries. Each test fails on the reads as they were before."""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.appointments.models import Appointment
from tessera.fhir.record.resources import _person_name
from tests.fhir.test_fhir_read_api import _bearer, _get, filled  # noqa: F401 (a fixture)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _reads_of(captured, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_everything_reads_sessions_and_letters_without_joins(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    url = f"/fhir/Patient/{filled.patient.pk}/$everything"
    _get(client, url, auth)  # the token's first use
    with CaptureQueriesContext(connection) as captured:
        bundle = _get(client, url, auth)
    for table in ("appointments_appointment", "letters_letter"):
        reads = _reads_of(captured, table)
        assert len(reads) == 1 and "JOIN" not in reads[0], reads
    assert not _reads_of(captured, "core_user") and not _reads_of(captured, "core_clinic")
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Encounter", "DocumentReference"} <= kinds
    name = _person_name(filled.episode.therapist)
    encounters = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    assert name in json.dumps(encounters)

    # A session with someone other than the episode's therapist: read in one more query.
    other = filled["manager"]
    Appointment.objects.filter(episode=filled.episode).update(therapist=other)
    with CaptureQueriesContext(connection) as again:
        bundle = _get(client, url, auth)
    assert len(again.captured_queries) == len(captured.captured_queries) + 1
    encounters = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    assert _person_name(other) in json.dumps(encounters) and name not in json.dumps(encounters)


def _sql_of_response_reads(client, world, kind: str) -> list[str]:
    auth = _bearer(client, world)
    _get(client, f"/fhir/{kind}", auth, patient=world.patient.pk)
    with CaptureQueriesContext(connection) as captured:
        bundle = _get(client, f"/fhir/{kind}", auth, patient=world.patient.pk)
    assert bundle["total"] >= 1
    return _reads_of(captured, "treatment_response")


def test_a_patients_observations_are_found_inside_the_clients_episodes(client, filled):  # noqa: F811
    """The patient is asked for inside the subquery of the client's episodes too."""
    reads = _sql_of_response_reads(client, filled, "Observation")
    assert len(reads) == 2  # the count and the page
    for sql in reads:
        assert f'U0."patient_id" = {filled.patient.pk}' in sql, sql


@postgres_only
def test_the_clients_scope_is_read_once_not_per_response(client, filled):  # noqa: F811
    """EXPLAIN of the page's read: no scan of the episodes or patients repeated per
    response (main's plan: a semi-join per response, an episode and a patient read by
    their keys for each, a level deeper at 100k patients: 55 of the query's 95 pages)."""
    for sql in _sql_of_response_reads(client, filled, "Observation"):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: as at scale
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]

        def nodes(node):
            yield node
            for child in node.get("Plans", []):
                yield from nodes(child)

        aliased = [n for n in nodes(plan) if n.get("Alias") in ("u0", "u1", "u2")]
        assert aliased and all(n["Actual Loops"] == 1 for n in aliased), [
            (n.get("Alias"), n.get("Relation Name"), n["Actual Loops"]) for n in aliased
        ]
