"""A homework step (registered during the week) in the plan fixture's first module."""

from __future__ import annotations

from tessera.programs.models import Step

HOMEWORK = [
    {"key": "activity", "label": "What I did", "type": "text", "required": True},
    {"key": "mood", "label": "Mood afterwards", "type": "scale_0_10"},
    {"key": "with", "label": "With whom", "type": "choice", "choices": ["alone", "others"]},
    {
        "key": "times",
        "label": "When",
        "type": "table",
        "columns": [
            {"key": "day", "label": "Day", "type": "date"},
            {"key": "note", "label": "Note", "type": "text"},
        ],
    },
]


def add_homework(plan, *, position: int = 3) -> Step:
    step = Step.objects.create(
        module_version=plan.activity,
        position=position,
        kind="homework",
        title="Activity diary",
        body="Note what you did and how it felt, a few times a day.",
        fields=HOMEWORK,
    )
    plan.homework = step
    return step
