import pytest

from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan


@pytest.fixture
def sent_answer(world):
    """A worksheet the patient of world.episode has sent for feedback."""
    plan = build_plan(world)
    step = plan.entry.module_version.steps.get(position=2)
    return plan_actions.do_submit_worksheet(
        plan.entry,
        step,
        {"situation": "Walked to the lake", "mood": "6", "diary": []},
        acting_user=world.patient.user,
    )
