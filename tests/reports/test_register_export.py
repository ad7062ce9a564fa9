"""The register export: every value from its profile's source, checked against the
codebook, pseudonymised with the register's key, and sent once."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tessera.core.models import AuditEvent
from tessera.reports.actions import do_export_to_register
from tessera.reports.models import EpisodeOutcome, Register, RegisterExport
from tessera.reports.register.export import _rows as _courses
from tessera.reports.register.export import _sent, load_profile, pending, validate


def _register(name="generic-test"):
    return Register.objects.create(name=name, profile="generic", version=1)


def _rows(export):
    return list(csv.DictReader(io.StringIO(export.content)))


def test_the_export_validates_against_its_codebook_and_is_sent_once(cohort, world):
    register = _register()
    export = do_export_to_register(register, acting_user=world["manager"])
    profile = load_profile("generic", 1)
    assert validate(export.content, profile) == []
    rows = _rows(export)
    assert len(rows) == 6 == export.rows
    a = next(r for r in rows if r["dep_start"] == "15")
    assert (a["dep_end"], a["anx_start"], a["finished"], a["recovered"]) == ("5", "12", "1", "1")
    assert a["unit"] == "alpha" and a["end_reason"] == "completed"
    assert "A" not in a.values() and len(a["pseudonym"]) == 24  # no name, a keyed hash
    assert do_export_to_register(register) is None  # nothing new the second time
    assert RegisterExport.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.register_exported").count() == 1


def test_only_changed_rows_go_in_the_next_export(cohort, world):
    register = _register()
    do_export_to_register(register)
    # Test data only: one episode's end date moves a day back, as a correction would move
    # it (to the 1st of its month moved nothing on the 1st, when the course ended: 0109).
    row = EpisodeOutcome.objects.get(episode=cohort["B"])
    corrected = row.ended_on - dt.timedelta(days=1)
    EpisodeOutcome.objects.filter(pk=row.pk).update(ended_on=corrected)
    export = do_export_to_register(register)
    assert export.rows == 1 and _rows(export)[0]["dep_start"] == "12"


def test_each_register_has_its_own_pseudonyms(cohort, world):
    first = _rows(do_export_to_register(_register("one")))
    second = _rows(do_export_to_register(_register("two")))
    assert {r["pseudonym"] for r in first}.isdisjoint({r["pseudonym"] for r in second})


def test_a_value_outside_the_codebook_writes_nothing(cohort, world):
    register = _register()
    EpisodeOutcome.objects.filter(episode=cohort["A"]).update(dep_first=40)  # test only
    with pytest.raises(ValidationError) as error:
        do_export_to_register(register)
    assert "dep_start 40 is outside 0-27" in str(error.value)
    assert not RegisterExport.objects.exists()


def test_the_validator_finds_a_bad_file():
    profile = load_profile("generic", 1)
    assert validate("a,b\n", profile) == ["the header does not match the profile"]


def test_the_command_exports_and_then_has_nothing_new(cohort, world):
    out = io.StringIO()
    call_command("export_register", "national", stdout=out)
    call_command("export_register", "national", stdout=out)
    assert "Exported 6 rows" in out.getvalue() and "Nothing new to export." in out.getvalue()


def test_a_clinics_export_reads_the_digests_of_its_own_courses_only(cohort, world):
    """Whether a course changed since it was sent is read for the courses the export
    covers, not for every course the register was ever sent (decision 0153)."""
    register = _register()
    do_export_to_register(register)
    assert len(_sent(register, _courses({world.clinic.pk}, None, None))) == 6
    assert _sent(register, _courses({world.other_clinic.pk}, None, None)) == {}
    assert pending(register, clinic_ids={world.clinic.pk}).changed == []
