"""Reliability under faults (issue 13): the database going away in the middle of a
request gives a clear page, writes nothing, and the next request works.

The fault is real: as the request is about to write its message, the database server
ends the request's connection (``pg_terminate_backend``, what a restart or a failover
does), so this runs on PostgreSQL only."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from tessera.core import actions
from tessera.core.roles import Role
from tessera.messaging.models import Message
from tests.conftest import make_clinic, make_patient, make_user, sign_in

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="ends a real PostgreSQL connection"
    ),
]


def _terminate(pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


class GoneAtTheWrite:
    """Ends the connection just before the first INSERT into the messages table."""

    def __init__(self):
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if (
            not self.fired
            and sql.lstrip().upper().startswith("INSERT")
            and (Message._meta.db_table in sql)
        ):
            self.fired = True
            _terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)


@pytest.fixture
def patient_client(client, flushable_audit_trail):
    region = actions.do_create_region(name="Fault Region", country="SE")
    clinic = make_clinic(region, "faults")
    therapist = make_user("therapist@faults.test")
    actions.do_grant_role(therapist, clinic, Role.THERAPIST)
    patient, _episode = make_patient(clinic, "patient@faults.test", therapist=therapist)
    client.raise_request_exception = False
    return sign_in(client, patient.user)


def test_the_database_going_away_mid_request_loses_nothing_and_passes(patient_client):
    url = reverse("my_messages")
    assert patient_client.get(url).status_code == 200
    body = {"body": "Is the next module open yet?", "submission_key": str(uuid.uuid4())}

    fault = GoneAtTheWrite()
    with connection.execute_wrapper(fault):
        response = patient_client.post(url, body)
    assert fault.fired
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "was not saved" in response.content.decode()

    connection.close()  # what the end of the request does with a broken connection
    assert Message.objects.count() == 0  # nothing half-written
    assert patient_client.get(url).status_code == 200  # the next request works
    assert patient_client.post(url, body).status_code in (200, 302)
    assert patient_client.post(url, body).status_code in (200, 302)  # sent again: once
    assert Message.objects.filter(body__contains="next module").count() == 1
