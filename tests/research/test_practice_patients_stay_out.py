"""A therapist's practice patient (training mode, issue 6: "never mixed with real data
or reports") is never offered for, nor invited into, a research study."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import Patient
from tessera.research import actions
from tests.conftest import make_patient, sign_in
from tests.research import fixtures  # noqa: F401  (registers the shared "research_study")


def test_a_practice_patient_is_not_offered_nor_invited(world, study, client):
    practice, episode = make_patient(
        world.clinic, "practice@alpha.test", therapist=world["therapist"], first="Practice"
    )
    Patient.objects.filter(pk=practice.pk).update(is_training=True)
    episode.refresh_from_db()
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    page = client.get(client.post(url, {"q": "Practice"})["Location"]).content.decode()
    assert f'value="{episode.pk}"' not in page and "No patient who can be invited" in page
    with pytest.raises(ValidationError, match="practice patient"):
        actions.do_invite(study.study, episode, acting_user=study.coordinator)
    assert not study.study.participants.filter(episode=episode).exists()
