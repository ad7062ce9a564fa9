import pytest

from tests.reports.cohort import build_cohort


@pytest.fixture
def cohort(world, django_capture_on_commit_callbacks):
    """The hand-scored cohort, with the outcome table written as on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return build_cohort(world)
