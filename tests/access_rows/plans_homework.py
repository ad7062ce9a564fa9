"""Homework diary pages (tessera/treatment/views/diary.py): the patient's own only."""

from __future__ import annotations

import uuid

from tests.access_rows.base import Row, only


def setup(world):
    from tessera.treatment.actions import diary as diary_actions
    from tests.treatment.homework_fixtures import add_homework

    if getattr(world.plan, "homework", None) is not None:
        return
    step = add_homework(world.plan)
    world.plan.diary_entry, _ = diary_actions.do_register_diary_entry(
        world.plan.entry,
        step,
        {"activity": "walk", "times": []},
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
    )


ROWS: dict[str, Row] = {
    "diary_register": Row(
        only(["patient"]),
        kwargs=lambda w: {"entry_id": w.plan.entry.pk, "position": w.plan.homework.position},
    ),
    "diary_correct": Row(
        only(["patient"]),
        kwargs=lambda w: {
            "entry_id": w.plan.entry.pk,
            "position": w.plan.homework.position,
            "diary_id": w.plan.diary_entry.pk,
        },
    ),
}
