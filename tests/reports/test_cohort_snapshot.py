"""The cohort is shared data built on the shared world (tests/snapshot.py, decision 0093):
a test that asks for it runs on the world and the cohort kept in a savepoint above it, a
test that asks for the world alone rolls the cohort back without building the world
again, and every test starts from the same rows whatever the one before it wrote. The
three tests run in this order (collection order, one module)."""

from tessera.core.models import Episode
from tessera.reports.models import EpisodeOutcome
from tests.reports.cohort import COHORT
from tests.snapshot import Snapshot

COHORT_EMAILS = {"patient__user__email__startswith": "cohort"}


def test_a_cohort_test_runs_on_the_cohort_kept_above_the_world(cohort, world):
    assert Snapshot.key == ("world", "cohort")
    assert set(cohort) == {course.name for course in COHORT}
    assert cohort["A"].clinic_id == world.clinic.pk
    assert Episode.objects.filter(**COHORT_EMAILS).count() == len(COHORT)
    assert EpisodeOutcome.objects.filter(episode__in=cohort.values()).count() == len(COHORT)
    EpisodeOutcome.objects.filter(episode=cohort["A"]).delete()  # rolled back after the test


def test_a_world_test_after_it_sees_the_world_without_the_cohort(world):
    assert Snapshot.key == ("world",)
    assert not Episode.objects.filter(**COHORT_EMAILS).exists()
    assert Episode.objects.filter(patient=world.patient).exists()


def test_the_next_cohort_test_starts_from_the_whole_cohort_again(cohort):
    assert Snapshot.key == ("world", "cohort")
    assert EpisodeOutcome.objects.filter(episode__in=cohort.values()).count() == len(COHORT)
