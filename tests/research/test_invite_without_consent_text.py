"""A patient is invited to a study only when it has a consent text they can read
(decision 0135).

A study whose consent was published in Swedish only could invite a patient who reads
Danish: their "My studies" page said "You are invited to take part. Please read the text
below." over nothing, with no way to consent, only "No, thank you". The invitation is
now refused until a text in the patient's language (or in English) is published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import Patient
from tessera.intake.models import Application
from tessera.research import actions
from tessera.research.models import ConsentVersion, Participant
from tests.conftest import make_patient, sign_in
from tests.intake.intake_helpers import make_application
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


def test_an_applicant_is_offered_only_a_study_they_can_read(world, study, client):
    """The same on the applicant's pages: the study page showed no text and a consent
    button that answered "Read the consent text and try again"."""
    application = make_application(world.clinic, "ansoger@apply.test")
    Application.objects.filter(pk=application.pk).update(language="da")
    ConsentVersion.objects.filter(study=study.study, language="en").delete()
    sign_in(client, application.applicant)
    studies = reverse("application_studies", args=[application.pk])
    status = reverse("intake_status", args=[application.pk])
    assert studies not in client.get(status).content.decode()
    assert "CALM trial" not in client.get(studies).content.decode()
    actions.do_publish_consent(
        study.study, acting_user=study.investigator, language="da", text="Du kan deltage."
    )
    assert studies in client.get(status).content.decode()
