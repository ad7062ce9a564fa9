"""The seeded plan is shared data built on the shared world (tests/conftest.py, decision
0098): a test that asks for it runs on the world and the plan kept in a savepoint above
it, a test that asks for the world alone rolls the plan back without building the world
again, and a plan test starts from the plan as built whatever the one before it wrote.
The three tests run in this order (collection order, one module)."""

from tessera.programs.models import Module
from tests.snapshot import Snapshot


def test_a_plan_test_runs_on_the_plan_kept_above_the_world(world, plan):
    assert Snapshot.key == ("world", "plan")
    assert world.plan is plan
    assert plan.entry.episode_id == world.episode.pk
    assert set(world.episode.plan.values_list("module_version", flat=True)) == {
        plan.activity.pk,
        plan.values.pk,
    }
    # Both rolled back after the test:
    plan.depression.title = "Changed"
    plan.depression.save(update_fields=["title"])
    Module.objects.create(region=world.region, key="added")


def test_a_world_test_after_it_sees_the_world_without_the_plan(world):
    assert Snapshot.key == ("world",)
    assert not hasattr(world, "plan")
    assert not Module.objects.filter(region=world.region).exists()


def test_the_next_plan_test_starts_from_the_plan_as_built(world, plan):
    assert Snapshot.key == ("world", "plan")
    assert plan.depression.title == "Depression"
    plan.depression.refresh_from_db()
    assert plan.depression.title == "Depression"
    assert set(Module.objects.filter(region=world.region).values_list("key", flat=True)) == {
        "activity",
        "values",
        "worry",
        "exposure",
    }
