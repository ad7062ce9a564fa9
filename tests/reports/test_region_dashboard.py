"""The region's implementation dashboard: the clinic dashboard's tables over the
region's clinics, the clinics side by side, small numbers suppressed, downloads,
constant queries, and only for the region's administrators."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.intake.models import Application
from tessera.reports import dashboard
from tessera.reports.models import ClinicCosts
from tessera.workload.actions import do_add_manual_time
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application


def _applications(clinic, prefix, n):
    for i in range(n):
        application = make_application(clinic, f"{prefix}{i}@apply.test")
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=3)
        )


def test_the_clinics_side_by_side(cohort, world):
    _applications(world.clinic, "ra", 6)
    _applications(world.other_clinic, "rb", 2)
    do_add_manual_time(
        cohort["A"],
        acting_user=world["therapist"],
        staff_member=world["therapist"],
        day=timezone.localdate() - dt.timedelta(days=3),
        minutes=100,
        reason="Reading",
        submission_key=uuid.uuid4(),
    )
    ClinicCosts.objects.create(clinic=world.clinic, per_therapist_hour=600, fixed_per_month=1000)
    clinics = [world.clinic, world.other_clinic]
    settings = {c.clinic_id: c for c in ClinicCosts.objects.all()}
    table = dashboard.clinic_comparison(clinics, settings)
    alpha, beta = table.rows
    own_apps = Application.objects.filter(clinic=world.clinic).exclude(
        status__in=["draft", "duplicate"]
    )
    assert alpha[1] == own_apps.filter(submitted_at__isnull=False).count()
    # The cohort: 6 started, 6 ended, 5 finished, 2 recovered; 100 minutes over 5.
    assert alpha[2:6] == [6, 6, 5, 2] and alpha[8] == 20
    # 1,000 for 100 minutes plus 12,000 fixed, over the 5 finished in the year.
    assert alpha[9] == 2600
    assert beta[8] is None and beta[9] is None  # fewer than 5 finished: not shown
    # The region's tables count both clinics together.
    together = dashboard.Clinics((world.clinic.pk, world.other_clinic.pk))
    assert dashboard.therapist_time(together)["minutes"] == 100
    both = sum(r[1] for r in dashboard.referral_mix(together).rows)
    assert both == sum(r[1] for c in clinics for r in dashboard.referral_mix(c).rows)


def test_the_region_admin_opens_it_in_constant_queries(
    cohort, world, client, django_assert_max_num_queries
):
    _applications(world.clinic, "qa", 6)
    sign_in(client, world["region_admin"])
    url = reverse("region_dashboard", args=[world.region.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as first:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "alpha" in page.lower() and "beta" in page.lower()
    assert "<svg" in page and 'role="img"' in page and "table-wrap" in page
    assert "fewer than 5" in page
    _applications(world.other_clinic, "qb", 7)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)
    assert AuditEvent.objects.filter(
        action="report.dashboard_viewed", changes__region=world.region.pk
    ).exists()


def test_downloads_are_suppressed_and_only_for_the_region(cohort, world, client):
    _applications(world.other_clinic, "da", 3)
    sign_in(client, world["region_admin"])
    pk = world.region.pk
    body = client.get(reverse("region_dashboard_csv", args=[pk, "clinics"])).content.decode()
    assert body.splitlines()[0].startswith("Clinic,Applications,Started")
    lines = [line for line in body.splitlines() if "fewer than 5" in line]
    assert lines  # the other clinic's three applications
    assert client.get(reverse("region_dashboard_csv", args=[pk, "nothing"])).status_code == 404
    workbook = client.get(reverse("region_dashboard_workbook", args=[pk]))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    one = client.get(reverse("region_dashboard_xlsx", args=[pk, "quarters"]))
    assert one.status_code == 200
    sign_in(client, world["manager"])
    assert client.get(reverse("region_dashboard", args=[pk])).status_code == 404
    assert client.get(reverse("region_dashboard_csv", args=[pk, "clinics"])).status_code == 404


def _grow_region(world, n):
    """``n`` more clinics in the region, each with a therapist, a patient in treatment
    with a message, and applications."""
    from tessera.core import actions
    from tessera.core.roles import Role
    from tessera.messaging.models import Message
    from tests.conftest import make_clinic, make_patient, make_user

    for i in range(n):
        clinic = make_clinic(world.region, f"more{i}")
        therapist = make_user(f"therapist{i}@more.test", second_factor=True)
        actions.do_grant_role(therapist, clinic, Role.THERAPIST)
        _patient, episode = make_patient(clinic, f"p{i}@more.test", therapist=therapist)
        Message.objects.create(
            episode=episode, from_patient=True, body="Hello", submission_key=uuid.uuid4()
        )
        _applications(clinic, f"more{i}-", 6)


@pytest.mark.parametrize("page", ["region_dashboard", "region_outcomes"])
def test_region_pages_read_as_many_queries_for_two_clinics_as_for_five(
    cohort, world, client, django_assert_num_queries, page
):
    """Reply times and every other figure of all the clinics in the same queries
    (workload's ``clinics_workload``; decision 0043)."""
    _applications(world.clinic, "qa", 6)
    sign_in(client, world["region_admin"])
    url = reverse(page, args=[world.region.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    _grow_region(world, 3)
    assert world.region.clinics.count() == 5
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Clinic more2" in response.content.decode()
