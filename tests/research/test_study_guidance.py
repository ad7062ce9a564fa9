"""The arm's guidance reaches the care team: the overview of a randomised episode says
which guidance the protocol asks for (the arm sets plan and care model itself, but the
rhythm of guidance is the therapist's to keep); nothing is shown for other episodes;
the blinded assessor never reaches the overview; an arm's guidance must fit its care
model."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.research import actions
from tests.conftest import sign_in
from tests.research.fixtures import build_study, new_participant


@pytest.fixture
def study(world):
    return build_study(world)


def test_the_therapist_sees_the_guidance_the_arm_asks_for(world, study, client):
    participant = new_participant(world, 1)
    sign_in(client, world["therapist"])
    response = client.get(reverse("episode_overview", args=[participant.episode_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="study_guidance"' in text
    assert str(participant.arm.get_guidance_display()) in text
    assert f"randomised in the study {study.study.key}" in text


def test_no_study_no_section(world, study, client):
    sign_in(client, world["therapist"])
    response = client.get(reverse("episode_overview", args=[world.episode.pk]))
    assert response.status_code == 200
    assert 'id="study_guidance"' not in response.content.decode()


def test_not_randomised_yet_no_section(world, study, client):
    participant = new_participant(world, 2, confirm=False)
    sign_in(client, world["therapist"])
    response = client.get(reverse("episode_overview", args=[participant.episode_id]))
    assert 'id="study_guidance"' not in response.content.decode()


def test_the_blinded_assessor_never_reaches_the_overview(world, study, client):
    participant = new_participant(world, 3)
    sign_in(client, study.assessor)
    response = client.get(reverse("episode_overview", args=[participant.episode_id]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("care_model", "guidance"),
    [("unguided", "guided_weekly"), ("guided", "unguided"), ("blended", "unguided")],
)
def test_an_arms_guidance_must_fit_its_care_model(world, study, care_model, guidance):
    planned = actions.do_create_study(
        acting_user=study.investigator, key="FIT", title="Fit", clinics=[world.clinic]
    )
    with pytest.raises(ValidationError) as caught:
        actions.do_save_arm(
            planned,
            acting_user=study.investigator,
            code="x",
            label="X",
            care_model=care_model,
            guidance=guidance,
        )
    assert "guidance" in caught.value.message_dict
    assert not planned.arms.exists()
