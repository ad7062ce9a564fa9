"""Norwegian is stored as "nb" (Bokmål), the code Django and allauth know: the data
migrations rewrite every stored "no", and nothing offers "no" any more."""

from __future__ import annotations

import importlib

from django.apps import apps

from tessera.core.models import Clinic, CrisisContact, Patient
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.instruments.models import ClinicWording
from tessera.programs.models import ModuleVersion, ProgrammeVersion

MIGRATIONS = [
    "tessera.core.migrations.0006_language_nb_and_staff_language",
    "tessera.instruments.migrations.0002_language_nb",
    "tessera.intake.migrations.0004_language_nb",
    "tessera.programs.migrations.0003_language_nb",
    "tessera.letters.migrations.0004_language_nb",
    "tessera.treatment.migrations.0010_language_nb",
]


def _run(direction: str) -> None:
    for name in MIGRATIONS:
        getattr(importlib.import_module(name), direction)(apps, None)


def test_the_stored_languages_are_the_interface_languages():
    assert [code for code, _ in LANGUAGE_CHOICES] == ["en", "sv", "nb", "da", "nl"]


def test_every_stored_no_becomes_nb_and_back(world):
    from tessera.programs.models import Module, Programme

    clinic = world.clinic
    Clinic.objects.filter(pk=clinic.pk).update(languages=["sv", "no", "en"])
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="no")
    contact = CrisisContact.objects.create(clinic=clinic, language="no", label="x", phone="113")
    wording = ClinicWording.objects.create(
        clinic=clinic, instrument="PHQ-9", language="no", entered_by=world["manager"]
    )
    module = Module.objects.create(region=world.region, key="m-nb")
    module_version = ModuleVersion.objects.create(module=module, number=1, title="M", language="no")
    programme = Programme.objects.create(region=world.region, key="p-nb")
    programme_version = ProgrammeVersion.objects.create(
        programme=programme,
        number=1,
        title="P",
        problem_area="depression",
        languages=["no", "sv"],
        eligibility={"min_age": 18, "languages": ["no"]},
    )
    other = Programme.objects.create(region=world.region, key="p-da")
    untouched = ProgrammeVersion.objects.create(
        programme=other, number=1, title="Q", problem_area="depression", languages=["da"]
    )

    _run("forwards")

    clinic.refresh_from_db()
    assert clinic.languages == ["sv", "nb", "en"]
    assert Patient.objects.get(pk=world.patient.pk).preferred_language == "nb"
    assert CrisisContact.objects.get(pk=contact.pk).language == "nb"
    assert ClinicWording.objects.get(pk=wording.pk).language == "nb"
    assert ModuleVersion.objects.get(pk=module_version.pk).language == "nb"
    programme_version.refresh_from_db()
    assert programme_version.languages == ["nb", "sv"]
    assert programme_version.eligibility == {"min_age": 18, "languages": ["nb"]}
    untouched.refresh_from_db()
    assert untouched.languages == ["da"]
    # Other rows were not touched: the world's Swedish and English stay as they were.
    assert (
        world.other_patient.preferred_language
        == Patient.objects.get(pk=world.other_patient.pk).preferred_language
    )

    _run("backwards")
    clinic.refresh_from_db()
    assert clinic.languages == ["sv", "no", "en"]
    assert Patient.objects.get(pk=world.patient.pk).preferred_language == "no"
