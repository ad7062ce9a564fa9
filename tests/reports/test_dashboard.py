"""The implementation dashboard: figures worked out by hand, suppression, CSV, and a
constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.intake.models import Application
from tessera.reports import dashboard
from tessera.reports.models import ClinicCosts
from tessera.workload.actions import do_add_manual_time
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application


def test_stability_is_the_coefficient_of_variation():
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population SD 2, CV 0.4.
    figures = dashboard.stability([2, 4, 4, 4, 5, 5, 7, 9])
    assert (figures["mean"], figures["sd"], figures["cv"]) == (5, 2, 0.4)
    assert dashboard.stability([0, 0])["cv"] is None


def test_waits_are_the_median_and_90th_percentile_by_nearest_rank():
    day = dt.date(2026, 1, 1)
    # waits of 1, 2, 2, 3 and 10 days: median 2, 90th percentile 10 (rank 5 of 5).
    pairs = [(day, day + dt.timedelta(days=d), n) for d, n in ((1, 1), (2, 2), (3, 1), (10, 1))]
    wait = dashboard._wait("x", pairs)
    assert (wait.n, wait.median, wait.p90) == (5, 2, 10)


def _applications(world):
    now = timezone.now()
    made = [make_application(world.clinic, f"dash{i}@apply.test") for i in range(3)]
    # Test data only: move the time stamps to known days.
    Application.objects.filter(pk=made[0].pk).update(
        submitted_at=now - dt.timedelta(days=20),
        assessed_at=now - dt.timedelta(days=16),
        started_at=now - dt.timedelta(days=10),
    )
    Application.objects.filter(pk=made[1].pk).update(submitted_at=now - dt.timedelta(days=8))
    return made


def test_reach_and_waits_from_the_applications(world):
    _applications(world)
    table, steadiness = dashboard.applications_per_week(world.clinic)
    assert len(table.rows) == dashboard.WEEKS and sum(r[1] for r in table.rows) == 3
    assert steadiness["mean"] == 3 / dashboard.WEEKS
    mix = dict((r[0], r[1]) for r in dashboard.referral_mix(world.clinic).rows)
    assert mix["Self-referral"] == 3 and mix["Electronic referral (FHIR)"] == 0
    to_assessment, to_start = dashboard.waits(world.clinic)
    assert (to_assessment.n, to_assessment.median) == (1, 4)
    assert (to_start.n, to_start.median, to_start.p90) == (1, 6, 6)


def test_therapist_time_per_finished_course_and_patient_week(cohort, world):
    for name, minutes in (("A", 90), ("E", 30)):
        do_add_manual_time(
            cohort[name],
            acting_user=world["therapist"],
            staff_member=world["therapist"],
            day=timezone.localdate() - dt.timedelta(days=3),
            minutes=minutes,
            reason="Reading and replying",
            submission_key=uuid.uuid4(),
        )
    time = dashboard.therapist_time(world.clinic)
    # 120 minutes over 5 finished courses; 5 courses of 8 weeks and one of 1 week.
    assert (time["minutes"], time["finished"], time["weeks"]) == (120, 5, 41)
    assert (time["per_finished"], time["per_patient_week"]) == (24, 2.9)


def test_courses_by_quarter(cohort, world):
    rows = dashboard.by_quarter(world.clinic).rows
    # The quarters depend on today's date; the sums do not.
    assert sum(r[1] for r in rows) == sum(r[2] for r in rows) == 0  # no applications
    assert sum(r[3] for r in rows) == 6  # started
    assert sum(r[4] for r in rows) == 6 and sum(r[5] for r in rows) == 5
    assert sum(r[6] for r in rows) == 2


def test_the_manager_opens_the_dashboard_in_constant_queries(
    cohort, world, client, django_assert_max_num_queries
):
    _applications(world)
    sign_in(client, world["manager"])
    url = reverse("clinic_dashboard", args=["alpha"])
    client.get(url)
    with django_assert_max_num_queries(36) as first:
        response = client.get(url)
    assert response.status_code == 200
    assert b"<svg" in response.content and b'role="img"' in response.content
    # The applications' routes and what became of them are one read of the kept counts,
    # split into the two tables (issue 16: the page read them twice).
    routes = [q for q in first.captured_queries if "IN ('route')" in q["sql"]]
    assert len(routes) == 1, routes
    mix = {row[0]: row[1] for row in response.context["tables"]["referrals"].rows}
    assert mix == {row[0]: row[1] for row in dashboard.referral_mix(world.clinic).rows}, (
        "the shared read gives the table its own read gives"
    )
    mix = {row[0]: row[1] for row in response.context["tables"]["decisions"].rows}
    assert mix == {row[0]: row[1] for row in dashboard.decisions(world.clinic).rows}
    make_application(world.clinic, "dash9@apply.test")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)
    assert AuditEvent.objects.filter(action="report.dashboard_viewed").exists()


def test_a_table_downloads_as_csv_and_small_numbers_are_hidden_from_the_region(
    cohort, world, client
):
    _applications(world)
    sign_in(client, world["manager"])
    body = client.get(reverse("dashboard_csv", args=["alpha", "referrals"])).content.decode()
    assert body.splitlines()[0] == "Route,Applications"
    assert "Self-referral,3" in body
    sign_in(client, world["region_admin"])
    body = client.get(reverse("dashboard_csv", args=["alpha", "referrals"])).content.decode()
    assert "Self-referral,fewer than 5" in body
    assert client.get(reverse("dashboard_csv", args=["alpha", "nothing"])).status_code == 404


def test_cost_per_patient_from_the_clinic_costs(cohort, world, client):
    do_add_manual_time(
        cohort["A"],
        acting_user=world["therapist"],
        staff_member=world["therapist"],
        day=timezone.localdate() - dt.timedelta(days=3),
        minutes=120,
        reason="Reading and replying",
        submission_key=uuid.uuid4(),
    )
    sign_in(client, world["manager"])
    url = reverse("clinic_costs", args=["alpha"])
    client.post(url, {"per_therapist_hour": "-1", "fixed_per_month": "100"})
    assert not ClinicCosts.objects.exists()  # refused, with a message
    client.post(url, {"per_therapist_hour": "600", "fixed_per_month": "1000"})
    costs = dashboard.costs(world.clinic, ClinicCosts.objects.get())
    # 2 hours at 600 plus 12 months at 1000 = 13200; over 6 started, 5 finished,
    # 2 recovered (the cohort started and ended within the year).
    assert costs["total"] == 13200
    assert (costs["per_started"], costs["per_finished"], costs["per_recovered"]) == (
        2200,
        2640,
        6600,
    )
    page = client.get(reverse("clinic_dashboard", args=["alpha"]))
    assert b"6600" in page.content
    assert AuditEvent.objects.filter(action="report.costs_set").count() == 1


def _drawn(page: str) -> str:
    found = re.search(r'name="drawn" value="([0-9a-f]*)"', page)
    return found.group(1) if found else ""


def test_costs_saved_by_another_manager_meanwhile_are_not_overwritten(world, client):
    """Two managers' dashboards; the first saves 600 and 1000 (twice: the same costs sent
    again are its own save), the second, from the dashboard drawn before, 700 and 2000:
    refused (409, the dashboard with what was typed in its form), the first's costs kept;
    saving again from the refused page replaces them knowingly (decision 0152)."""
    url, page_url = (
        reverse("clinic_costs", args=["alpha"]),
        reverse("clinic_dashboard", args=["alpha"]),
    )
    second = Client()
    sign_in(client, world["manager"])
    second.force_login(world["manager"])
    drawn_first = _drawn(client.get(page_url).content.decode())
    drawn_second = _drawn(second.get(page_url).content.decode())
    mine = {"per_therapist_hour": "600", "fixed_per_month": "1000", "drawn": drawn_first}
    assert client.post(url, mine).status_code == 302
    assert client.post(url, mine).status_code == 302  # sent twice
    theirs = {"per_therapist_hour": "700", "fixed_per_month": "2000", "drawn": drawn_second}
    refused = second.post(url, theirs)
    assert refused.status_code == 409
    costs = ClinicCosts.objects.get()
    assert (costs.per_therapist_hour, costs.fixed_per_month) == (600, 1000)
    page = refused.content.decode()
    assert "Someone else changed these details" in page
    assert 'name="per_therapist_hour" value="700"' in page
    assert 'name="fixed_per_month" value="2000"' in page
    assert second.post(url, {**theirs, "drawn": _drawn(page)}).status_code == 302
    costs = ClinicCosts.objects.get()
    assert (costs.per_therapist_hour, costs.fixed_per_month) == (700, 2000)
    assert AuditEvent.objects.filter(action="report.costs_set").count() == 3
