"""The register export page of a clinic: choose a profile and a period, see what will
be sent and the codebook, export, download (audited); the SibeR-shaped profile is a
data file that validates like the generic one."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.reports.actions import do_export_clinic_to_register
from tessera.reports.models import EpisodeOutcome, Register, RegisterExport
from tessera.reports.register.export import load_profile, profiles, validate
from tests.conftest import sign_in


def test_the_shipped_profiles_are_data_files():
    assert ("generic", 1) in profiles() and ("siber", 1) in profiles()
    siber = load_profile("siber", 1)
    names = [c["name"] for c in siber["columns"]]
    assert {"red_flag", "phq9_start", "phq9_end", "modules_completed", "neq_effects"} <= set(names)


def test_the_siber_profile_exports_the_red_flag_and_validates(cohort, world):
    EpisodeOutcome.objects.filter(episode=cohort["D"]).update(risk_flagged=True, neq_effects=3)
    export = do_export_clinic_to_register(world.clinic, "siber", 1, acting_user=world["manager"])
    assert validate(export.content, load_profile("siber", 1)) == []
    rows = list(csv.DictReader(io.StringIO(export.content)))
    assert len(rows) == 6 and export.clinic == world.clinic
    flagged = [r for r in rows if r["red_flag"] == "1"]
    assert len(flagged) == 1 and flagged[0]["neq_effects"] == "3"
    assert flagged[0]["phq9_start"] == "10" and flagged[0]["phq9_end"] == "18"  # course D
    # Idempotent: nothing new the second time.
    assert do_export_clinic_to_register(world.clinic, "siber", 1, acting_user=None) is None


def test_the_period_chooses_the_courses_in_treatment_in_it(cohort, world):
    today = timezone.localdate()
    EpisodeOutcome.objects.filter(episode=cohort["E"]).update(
        started_on=today - dt.timedelta(days=400), ended_on=today - dt.timedelta(days=390)
    )
    export = do_export_clinic_to_register(
        world.clinic,
        "generic",
        1,
        acting_user=world["manager"],
        start=today - dt.timedelta(days=100),
        end=today,
    )
    assert export.rows == 5 and export.period_start == today - dt.timedelta(days=100)


def test_the_manager_previews_exports_and_downloads(cohort, world, client):
    sign_in(client, world["manager"])
    url = reverse("register_exports", args=["alpha"])
    page = client.get(url).content.decode()
    assert "No exports yet." in page and "siber" in page
    preview = client.get(url, {"profile": "siber-1"}).content.decode()
    assert "6 courses are new or changed" in preview
    assert "red_flag" in preview and "Export 6 courses" in preview
    assert not RegisterExport.objects.exists()  # a preview writes nothing
    response = client.post(url, {"profile": "siber-1", "start": "", "end": ""})
    assert response.status_code == 302
    export = RegisterExport.objects.get()
    assert export.rows == 6 and export.created_by == world["manager"]
    again = client.get(url, {"profile": "siber-1"}).content.decode()
    assert "0 courses are new or changed" in again
    download = client.get(reverse("register_export_csv", args=["alpha", export.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode() == export.content
    event = AuditEvent.objects.filter(action="report.downloaded").latest("pk")
    assert event.changes["table"] == "register_export"
    assert AuditEvent.objects.filter(action="report.register_exported").count() == 1
    refused = client.post(url, {"profile": "nothing-9"})
    assert refused.status_code == 200 and RegisterExport.objects.count() == 1


def test_an_export_of_another_clinic_or_of_the_command_is_not_found(cohort, world, client):
    register = Register.objects.create(name="generic-1", profile="generic", version=1)
    theirs = RegisterExport.objects.create(register=register, clinic=world.other_clinic)
    everyone = RegisterExport.objects.create(register=register, clinic=None)  # the command
    sign_in(client, world["manager"])
    for export in (theirs, everyone):
        url = reverse("register_export_csv", args=["alpha", export.pk])
        assert client.get(url).status_code == 404
