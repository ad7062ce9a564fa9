"""Every dimension issue 15 names filters the outcome report, the per-episode table and
its CSV and Excel downloads alike: clinic, region, programme, the therapist's own
caseload, care model, referral route and period."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.reports.models import EpisodeOutcome
from tests.conftest import sign_in


def _ended(response) -> int:
    return {c.key: c.value for c in response.context["report"].counts}["ended"]


def _csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


def _label(cohort, name: str, **values) -> None:
    EpisodeOutcome.objects.filter(episode__patient__first_name__in=name).update(**values)


def test_the_programme_filter_in_the_clinic_report_and_its_exports(cohort, world, client):
    _label(cohort, "AB", programme_key="depression-ba")
    _label(cohort, "CF", programme_key="panic")
    sign_in(client, world["manager"])
    url = reverse("clinic_outcomes", args=["alpha"])
    response = client.get(url)
    assert response.context["form"].fields["programme"].choices[1:] == [
        ("depression-ba", "depression-ba"),
        ("panic", "panic"),
    ]
    assert _ended(client.get(url, {"programme": "depression-ba"})) == 2
    assert _ended(client.get(url, {"programme": "panic"})) == 2
    event = AuditEvent.objects.filter(action="report.outcomes_viewed").latest("id")
    assert event.changes["programme_key"] == "panic"
    assert _ended(client.get(url)) == 6
    # An unknown programme is a message on the form, not an error or everything.
    response = client.get(url, {"programme": "nonsense"})
    assert response.status_code == 200 and "programme" in response.context["form"].errors
    # The per-episode table, CSV and workbook follow the same query string.
    table = client.get(reverse("clinic_outcome_table", args=["alpha"]), {"programme": "panic"})
    names = {row.episode.patient.first_name for row in table.context["page"].object_list}
    assert names == {"C", "F"}
    assert "programme=panic" in table.content.decode()  # the download links keep it
    lines = _csv_lines(
        client.get(reverse("clinic_outcome_table_csv", args=["alpha"]), {"programme": "panic"})
    )
    assert len(lines) == 1 + 2
    body = client.get(
        reverse("clinic_outcome_table_xlsx", args=["alpha"]), {"programme": "depression-ba"}
    ).content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet.max_row == 2 + 2  # the title, the header, two courses


def test_therapist_care_model_route_and_period_filter_the_exports(cohort, world, client):
    sign_in(client, world["manager"])
    csv_url = reverse("clinic_outcome_table_csv", args=["alpha"])
    assert len(_csv_lines(client.get(csv_url))) == 1 + 6
    colleague = world["colleague"].pk
    assert len(_csv_lines(client.get(csv_url, {"therapist": colleague}))) == 1 + 1
    assert len(_csv_lines(client.get(csv_url, {"care_model": "unguided"}))) == 1
    assert len(_csv_lines(client.get(csv_url, {"referral_source": "fhir"}))) == 1
    # The period: in the service's care at some time in it.
    today = timezone.localdate()
    later = (today + dt.timedelta(days=30)).isoformat()
    assert len(_csv_lines(client.get(csv_url, {"start": later}))) == 1
    earlier = (today - dt.timedelta(days=400)).isoformat()
    assert len(_csv_lines(client.get(csv_url, {"end": earlier}))) == 1
    assert len(_csv_lines(client.get(csv_url, {"start": earlier, "end": later}))) == 1 + 6


def test_a_therapist_filters_their_own_caseload_by_programme(cohort, world, client):
    _label(cohort, "AF", programme_key="depression-ba")
    sign_in(client, world["therapist"])
    response = client.get(reverse("my_outcomes"), {"programme": "depression-ba"})
    assert _ended(response) == 1  # A; F is the colleague's
    lines = _csv_lines(client.get(reverse("my_outcome_table_csv"), {"programme": "depression-ba"}))
    assert len(lines) == 1 + 1


def test_the_region_compares_its_clinics_by_programme(cohort, world, client):
    _label(cohort, "ABCDEF", programme_key="depression-ba")
    sign_in(client, world["region_admin"])
    url = reverse("region_outcomes", args=[world.region.pk])
    response = client.get(url, {"programme": "depression-ba"})
    assert response.status_code == 200
    assert [c for c, _label in response.context["form"].fields["programme"].choices] == [
        "",
        "depression-ba",
    ]
    event = AuditEvent.objects.filter(action="report.outcomes_viewed").latest("id")
    assert event.changes["programme_key"] == "depression-ba"
    assert event.changes["scope"] == "region"
