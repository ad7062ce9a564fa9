"""The SMART token's lookup at national scale (issue 16, decision 0090): every read API
request reads its token with its client only, not joined to the client's clinic and
region, which made the planner scan the clinics' table and hash it (1 -> 3 pages from
1,000 to 100,000 patients). The bulk export, whose audit rows name the client's clinic,
still reads the clinic with the token. Fails on the lookup as it was before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.models import AuditEvent
from tests.fhir.test_fhir_read_api import _bearer, _get, filled  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _token_reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "fhir_accesstoken"' in q["sql"]]


def test_an_api_request_reads_its_token_with_the_client_only(client, filled):  # noqa: F811
    auth = _bearer(client, filled)
    url = f"/fhir/Patient/{filled.patient.pk}/$everything"
    _get(client, url, auth)
    with CaptureQueriesContext(connection) as captured:
        bundle = _get(client, url, auth)
    (read,) = _token_reads(captured)
    assert '"fhir_systemclient"' in read, read
    assert '"core_clinic"' not in read and '"core_region"' not in read, read
    assert bundle["resourceType"] == "Bundle"
    # No other query reads the clinic for it: the clinics' table is not read at all.
    assert not [q for q in captured.captured_queries if 'FROM "core_clinic"' in q["sql"]]


def test_a_refused_scope_still_names_the_clients_clinic(client, filled):  # noqa: F811
    auth = _bearer(client, filled, scope="system/Observation.rs")
    _get(client, f"/fhir/Patient/{filled.patient.pk}", auth, status=403)
    event = AuditEvent.objects.filter(action="security.fhir_scope_refused").latest("id")
    assert event.clinic_id == filled.clinic.pk
