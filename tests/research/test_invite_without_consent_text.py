"""A patient is invited to a study only when it has a consent text they can read
(decision 0135).

A study whose consent was published in Swedish only could invite a patient who reads
Danish: their "My studies" page said "You are invited to take part. Please read the text
below." over nothing, with no way to consent, only "No, thank you". The invitation is
now refused until a text in the patient's language (or in English) is published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tessera.core.models import Patient
from tessera.research import actions
from tessera.research.models import ConsentVersion, Participant
from tests.conftest import make_patient
from tests.research import fixtures  # noqa: F401  (the shared study is built there)


def test_no_invitation_without_a_consent_text_the_patient_can_read(world, study):
    ConsentVersion.objects.filter(study=study.study, language="en").delete()
    patient, episode = make_patient(world.clinic, "dansk@alpha.test", first="Freja")
    Patient.objects.filter(pk=patient.pk).update(preferred_language="da")
    episode.patient.refresh_from_db()
    with pytest.raises(ValidationError, match="no consent text in the patient's language"):
        actions.do_invite(study.study, episode, acting_user=study.coordinator)
    assert not Participant.objects.filter(episode=episode).exists()
    # With a text in their language, they are invited.
    actions.do_publish_consent(
        study.study, acting_user=study.investigator, language="da", text="Du kan deltage."
    )
    assert actions.do_invite(study.study, episode, acting_user=study.coordinator).pk
