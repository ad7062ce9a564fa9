"""The report pages: who sees what, what is audited, constant queries, and a CSV that
the outcome engine's own command classifies the same way."""

from __future__ import annotations

import io

from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.outcomes.cli import main as outcomes_cli
from tests.conftest import sign_in


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_a_manager_sees_the_clinic_report_with_numerators(cohort, world, client):
    sign_in(client, world["manager"])
    response = client.get(reverse("clinic_outcomes", args=["alpha"]))
    assert response.status_code == 200
    rates = {r.key: (r.numerator, r.denominator) for r in response.context["report"].rates}
    assert rates["recovery"] == (2, 4)
    assert b"50.0 %" in response.content
    event = AuditEvent.objects.filter(action="report.outcomes_viewed").latest("id")
    assert event.clinic_id == world.clinic.pk and event.patient_id is None


def test_a_therapist_sees_only_their_own_caseload(cohort, world, client):
    sign_in(client, world["therapist"])
    response = client.get(reverse("my_outcome_table"))
    names = {row.episode.patient.first_name for row in response.context["page"].object_list}
    assert names == {"A", "B", "C", "D", "E"}  # not F, the colleague's patient
    assert client.get(reverse("clinic_outcomes", args=["alpha"])).status_code == 404
    event = AuditEvent.objects.filter(action="report.outcome_table_viewed").latest("id")
    assert set(event.changes["episodes"]) == {
        row.episode_id for row in response.context["page"].object_list
    }


def test_a_region_administrator_sees_suppressed_figures_and_no_patient_rows(cohort, world, client):
    sign_in(client, world["region_admin"])
    response = client.get(reverse("clinic_outcomes", args=["alpha"]))
    assert response.status_code == 200
    rates = {r.key: r for r in response.context["report"].rates}
    assert rates["recovery"].suppressed
    assert b"fewer than 5" in response.content
    assert client.get(reverse("clinic_outcome_table", args=["alpha"])).status_code == 404
    region = client.get(reverse("region_outcomes", args=[world.region.pk]))
    assert [clinic.slug for clinic, _report in region.context["table"]] == ["alpha", "beta"]


def test_a_bad_period_is_a_message_not_an_error(cohort, world, client):
    sign_in(client, world["manager"])
    url = reverse("clinic_outcomes", args=["alpha"])
    response = client.get(url, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    assert b"must not be before its start" in response.content
    assert client.get(url, {"start": "yesterday"}).status_code == 200


def test_the_clinic_report_uses_a_constant_number_of_queries(
    cohort, world, client, django_assert_max_num_queries
):
    sign_in(client, world["manager"])
    url = reverse("clinic_outcomes", args=["alpha"])
    client.get(url)  # sessions and caches warm
    with django_assert_max_num_queries(22) as first:
        client.get(url)
    from tests.reports.cohort import COHORT, Course, build

    more = [Course(f"X{i}", c.phq, c.gad, c.sessions, c.end) for i, c in enumerate(COHORT * 2)]
    for i, course in enumerate(more):
        build(world, course, 100 + i)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_the_table_page_uses_a_constant_number_of_queries(
    cohort, world, client, django_assert_max_num_queries
):
    sign_in(client, world["manager"])
    url = reverse("clinic_outcome_table", args=["alpha"])
    client.get(url)
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 6


def test_the_csv_classifies_the_same_through_the_engine_command(cohort, world, client):
    sign_in(client, world["manager"])
    response = client.get(reverse("clinic_outcome_table_csv", args=["alpha"]))
    assert response["Content-Type"].startswith("text/csv")
    text = _csv(response)
    lines = text.splitlines()
    assert lines[0].startswith("episode,problem,dep_instrument,dep_first,dep_last")
    assert len(lines) == 1 + 6
    # The engine's command reads the nine input columns back and labels them itself.
    out, err = io.StringIO(), io.StringIO()
    assert outcomes_cli(["classify", "-"], stdout=out, stderr=err, stdin=io.StringIO(text)) == 0
    assert (
        out.getvalue().replace("\r\n", "\n").splitlines() == text.replace("\r\n", "\n").splitlines()
    )
    assert AuditEvent.objects.filter(action="report.downloaded").exists()


def test_the_report_filters_by_referral_route_and_problem_area(cohort, world, client):
    sign_in(client, world["manager"])
    url = reverse("clinic_outcomes", args=["alpha"])
    response = client.get(url, {"referral_source": "fhir"})
    assert {c.key: c.value for c in response.context["report"].counts}["ended"] == 0
    response = client.get(url, {"problem_area": "", "care_model": "guided"})
    assert {c.key: c.value for c in response.context["report"].counts}["ended"] == 6
    assert client.get(url, {"problem_area": "nonsense"}).status_code == 200
