import pytest

from tests.intake.intake_helpers import consent_for


@pytest.fixture
def consent(world):
    return consent_for(world.clinic)
