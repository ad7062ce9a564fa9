"""The research tests' shared study (decision 0104)."""

import pytest

from tests.snapshot import shared


@pytest.fixture
def research_study(request, _snapshots, db):
    """The running study on the world (world.research is it), built once per process
    and rolled back to for each test (tests/research/fixtures.py, decision 0104)."""
    return shared(request, "research_study")


@pytest.fixture
def study(research_study):
    return research_study
