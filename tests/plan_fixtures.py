"""A small published library (three modules, two programmes) and a seeded plan, for the
plan and workspace tests and the access matrix. Built with models directly so these
tests do not depend on the authoring pages."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from tessera.programs.models import (
    Module,
    ModuleVersion,
    Programme,
    ProgrammeModule,
    ProgrammeVersion,
    Step,
)
from tessera.treatment.actions import plans as plan_actions

WORKSHEET = [
    {"key": "situation", "label": "What happened", "type": "longtext", "required": True},
    {"key": "mood", "label": "Mood", "type": "scale_0_10"},
    {
        "key": "diary",
        "label": "This week",
        "type": "table",
        "columns": [
            {"key": "day", "label": "Day", "type": "date"},
            {"key": "what", "label": "What I did", "type": "text"},
        ],
    },
]


def _module(region, key, title, *, worksheet=False):
    module = Module.objects.create(region=region, key=key)
    version = ModuleVersion.objects.create(
        module=module, number=1, status="published", title=title, published_at=timezone.now()
    )
    Step.objects.create(
        module_version=version, position=1, kind="text", title="Read", body=f"About **{title}**."
    )
    if worksheet:
        Step.objects.create(
            module_version=version,
            position=2,
            kind="worksheet",
            title="Try it",
            body="Write it down.",
            fields=WORKSHEET,
        )
    return version


def _programme(region, key, title, modules, *, unlock_rule="all_at_once"):
    programme = Programme.objects.create(region=region, key=key)
    version = ProgrammeVersion.objects.create(
        programme=programme,
        number=1,
        status="published",
        title=title,
        problem_area="depression",
        languages=["en"],
        unlock_rule=unlock_rule,
        published_at=timezone.now(),
    )
    for position, module_version in enumerate(modules, start=1):
        ProgrammeModule.objects.create(
            programme_version=version, module_version=module_version, position=position
        )
    return version


def build_plan(world) -> SimpleNamespace:
    region = world.region
    activity = _module(region, "activity", "Activity and mood", worksheet=True)
    values = _module(region, "values", "Values")
    worry = _module(region, "worry", "Worry time")
    exposure = _module(region, "exposure", "Facing fears")
    depression = _programme(region, "depression", "Depression", [activity, values])
    panic = _programme(region, "panic", "Panic", [exposure, values])
    plan_actions.do_seed_plan(world.episode, depression, acting_user=world["therapist"])
    entry = world.episode.plan.get(module_version=activity)
    ns = SimpleNamespace(
        activity=activity,
        values=values,
        worry=worry,
        exposure=exposure,
        depression=depression,
        panic=panic,
        entry=entry,
    )
    world.plan = ns
    return ns
