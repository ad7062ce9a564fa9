"""A consent form sent without the consent text it was drawn with (an empty or garbled
hidden field: a page saved and sent again, a broken extension) answered 500: the value
went straight into the query. Now it is refused in words, "Read the consent text and try
again.", on the page, for the patient and for the applicant; nothing is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.research.models import ApplicationAnswer, Participant
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application
from tests.research.fixtures import build_study, new_participant

SAID = "Read the consent text and try again."


@pytest.mark.parametrize("value", ["", "abc", "1; DROP"])
def test_a_patients_consent_without_a_version_is_refused_in_words(world, client, value):
    build_study(world)
    participant = new_participant(world, 1, consent=False, confirm=False)
    sign_in(client, participant.episode.patient.user)
    url = reverse("my_study_consent", args=[participant.pk])
    response = client.post(url, {"consent": value}, follow=True)
    assert response.status_code == 200
    assert SAID in response.content.decode()
    assert Participant.objects.get(pk=participant.pk).consented_at is None


@pytest.mark.parametrize("value", ["", "abc"])
def test_an_applicants_consent_without_a_version_is_refused_in_words(world, client, value):
    ns = build_study(world)
    application = make_application(world.clinic, "ada@apply.test")
    sign_in(client, application.applicant)
    url = reverse("application_study_consent", args=[application.pk, ns.study.pk])
    response = client.post(url, {"consent": value}, follow=True)
    assert response.status_code == 200
    assert SAID in response.content.decode()
    assert not ApplicationAnswer.objects.exists()
