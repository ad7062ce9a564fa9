"""``reports 0006`` labels the quarterly reports built before ``reports 0005`` with the
language they were written in (the clinic's), leaving the reports built since alone."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tessera.core.models import Clinic
from tessera.reports.models import QuarterlyReport

MIGRATION = importlib.import_module(
    "tessera.reports.migrations.0006_register_export_jobs_and_quarterly_languages"
)


def test_reports_built_before_0005_get_their_clinics_language(world):
    applied = MigrationRecorder.Migration.objects.get(
        app="reports", name="0005_outcome_area_adverse_effects_and_register_page"
    ).applied
    Clinic.objects.filter(pk=world.clinic.pk).update(languages=["xx", "sv", "en"])
    old = QuarterlyReport.objects.create(
        clinic=world.clinic,
        quarter_start=dt.date(2026, 1, 1),
        html="<p>Kvartalsrapport</p>",
        built_at=applied - dt.timedelta(days=30),
    )
    assert old.language == "en"  # as 0005's default left it
    since = QuarterlyReport.objects.create(
        clinic=world.clinic,
        quarter_start=dt.date(2026, 4, 1),
        html="<p>Quarterly report</p>",
        language="en",  # built in English after 0005: its label is its own
        built_at=applied + dt.timedelta(minutes=5),
    )
    MIGRATION.label_quarterly_languages(apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    since.refresh_from_db()
    assert old.language == "sv"  # the first language the site supports
    assert since.language == "en"
    # Run again: nothing changes.
    MIGRATION.label_quarterly_languages(apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    assert old.language == "sv"
