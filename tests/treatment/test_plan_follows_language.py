"""A running plan follows the patient's language (issue 17): when their preferred
language changes, modules not yet started switch to the newest published translation in
the new language; started and completed ones stay with their work. The change is one
audited plan change with a reason, in the plan history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tessera.core import actions as core
from tessera.core.models import AuditEvent
from tessera.programs.models import Module, ModuleVersion, Step
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import PlanChange, WorksheetAnswer
from tests.plan_fixtures import _module, _programme


def _translation(original: ModuleVersion, language: str, title: str, number=1) -> ModuleVersion:
    module, _ = Module.objects.get_or_create(
        region=original.module.region,
        key=f"{original.module.key}-{language}",
        defaults={"translation_of": original.module},
    )
    version = ModuleVersion.objects.create(
        module=module,
        number=number,
        status="published",
        title=title,
        language=language,
        published_at=timezone.now(),
    )
    Step.objects.create(module_version=version, position=1, kind="text", title=title, body="…")
    return version


@pytest.fixture
def running(world):
    region = world.region
    intro = _module(region, "intro", "Introduction", worksheet=True)
    activity = _module(region, "activity", "Activity and mood")
    values = _module(region, "values", "Values")
    danish = {
        "intro": _translation(intro, "da", "Introduktion"),
        "activity": _translation(activity, "da", "Aktivitet (gammel)"),
        "values": None,  # no Danish translation: stays English
    }
    newest = _translation(activity, "da", "Aktivitet og humør", number=2)
    programme = _programme(region, "depression", "Depression", [intro, activity, values])
    plan_actions.do_seed_plan(world.episode, programme, acting_user=world["therapist"])
    entries = list(world.episode.plan.order_by("position"))
    return entries, danish, newest, values


def _set_language(world, code):
    core.do_set_language(world["patient"], code, acting_user=world["patient"])


def test_modules_not_started_move_to_the_new_language(world, running):
    (started, activity, values), danish, newest, english_values = running
    # The patient started the first module and wrote in it.
    plan_actions.mark_started(started)
    step = started.module_version.steps.get(kind="worksheet")
    plan_actions.do_save_worksheet(
        started, step, {"activity": "Walk"}, acting_user=world["patient"]
    )

    _set_language(world, "da")

    pinned = [e.module_version for e in world.episode.plan.current().order_by("position")]
    # Started: kept with its answer. Not started: the newest Danish version. No Danish
    # translation: unchanged.
    assert pinned == [started.module_version, newest, english_values]
    assert WorksheetAnswer.objects.get(entry=started).values == {"activity": "Walk"}
    change = world.episode.plan_changes.get(kind=PlanChange.Kind.LANGUAGE)
    assert change.details == {"language": "da", "modules": [["activity", "activity-da"]]}
    assert change.actor == world["patient"]
    # In the clinic's language, names as inside a sentence (Swedish: lower case).
    assert change.reason == (
        "Patientens språk ändrades (engelska → danska): moduler som inte har påbörjats följer med."
    )
    event = AuditEvent.objects.get(action="plan.language")
    assert event.patient_id == world.patient.pk
    assert event.changes["reason"] == change.reason


def test_back_to_english_moves_back_and_nothing_changes_twice(world, running):
    _set_language(world, "da")
    _set_language(world, "da")  # no change: no second plan change
    assert world.episode.plan_changes.filter(kind=PlanChange.Kind.LANGUAGE).count() == 1
    _set_language(world, "en")
    keys = [e.module_version.module.key for e in world.episode.plan.current().order_by("position")]
    assert keys == ["intro", "activity", "values"]
    assert world.episode.plan_changes.filter(kind=PlanChange.Kind.LANGUAGE).count() == 2


def test_completed_modules_and_ended_episodes_stay(world, running):
    (first, *_rest), *_ = running
    plan_actions.do_complete_module(first, acting_user=world["patient"])
    _set_language(world, "da")
    first.refresh_from_db()
    assert first.module_version.module.key == "intro"


def test_the_plan_history_shows_the_switch(world, running, login):
    _set_language(world, "da")
    with translation.override("en"):
        page = login(world["therapist"]).get(reverse("plan", args=[world.patient.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Modules switched to the patient&#x27;s language" in text
    assert "Patientens språk ändrades (engelska → danska)" in text


def test_a_staff_change_of_the_patients_details_also_moves_the_plan(world, running):
    core.do_update_patient_details(
        world.patient, acting_user=world["therapist"], preferred_language="da"
    )
    entry = world.episode.plan.current().get(position=2)
    assert entry.module_version.language == "da"
    assert world.episode.plan_changes.get(kind="language").actor == world["therapist"]
