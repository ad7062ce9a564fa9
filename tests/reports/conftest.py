import pytest
from django.test import TestCase

from tests.reports.cohort import build_cohort
from tests.snapshot import shared, shared_data


@shared_data("cohort", extends="world")
def _cohort(world):
    """The hand-scored cohort, with the outcome table written as on commit: built once
    on the shared world and rolled back to for each test that asks for it, as the world
    is (tests/snapshot.py, decision 0093)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return build_cohort(world)


@pytest.fixture
def cohort(request, _snapshots, db):
    """The test's own copy of the cohort (and of the world it was built on)."""
    return shared(request, "cohort")
