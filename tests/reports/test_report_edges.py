"""The edges the project was tried on, on the pages added with the dashboards (issue 15):
a link opened in a second browser (no session) asks to sign in and shows nothing; a
double click on the region's register export queues one job."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tessera.reports.models import RegisterExportJob
from tests.conftest import sign_in


def _links(world) -> list[str]:
    slug, region = world.clinic.slug, world.region.pk
    return [
        reverse("clinic_dashboard", args=[slug]),
        reverse("dashboard_csv", args=[slug, "applications"]),
        reverse("dashboard_xlsx", args=[slug, "applications"]),
        reverse("dashboard_workbook", args=[slug]),
        reverse("region_dashboard", args=[region]),
        reverse("region_dashboard_csv", args=[region, "applications"]),
        reverse("region_dashboard_xlsx", args=[region, "applications"]),
        reverse("region_dashboard_workbook", args=[region]),
        reverse("region_register_exports", args=[region]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_report_link_opened_in_a_second_browser_asks_to_sign_in(world, client, method):
    sign_in(client, world["region_admin"])
    for url in _links(world):
        assert client.get(url).status_code == 200, url  # the first browser reads it
    second = Client()  # another browser: the link, without the session
    for url in _links(world):
        response = getattr(second, method)(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == reverse("account_login"), url
    assert not RegisterExportJob.objects.exists()


def test_a_double_click_on_the_region_export_queues_one_job(world, client):
    sign_in(client, world["region_admin"])
    url = reverse("region_register_exports", args=[world.region.pk])
    first = client.post(url, {"profile": "generic-1"})
    again = client.post(url, {"profile": "generic-1"})
    assert first.status_code == 302
    assert again.status_code == 200 and "already running" in again.content.decode()
    assert RegisterExportJob.objects.filter(region=world.region).count() == 1
