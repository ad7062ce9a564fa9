"""A research invitation opened again after the patient's course ended, or after the
study stopped recruiting (decision 0135).

The patient's "My studies" page went on offering "I consent to take part" for ever:
after the discharge, pressing it answered "Nothing was changed: the treatment has ended,
so its care model can no longer change." (randomisation's change of care model refused,
words about nothing the patient had asked for); with eligibility not yet confirmed the
consent was taken, and the coordinator's confirmation then failed with the same words.
Now the page says the invitation is closed and why, the consent is refused in the
patient's words, and the coordinator is told the course has ended."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.portal.ending import do_end_episode
from tessera.research import actions
from tessera.research.models import Participant
from tests.conftest import begun_by, make_patient, sign_in
from tests.research.fixtures import new_participant

CLOSED = "Your treatment at the clinic has ended, so this invitation is closed."


def _end(world, participant) -> None:
    begun_by(participant.episode, timezone.localdate())
    do_end_episode(participant.episode, acting_user=world["therapist"], reason="completed")


def test_an_invitation_opened_after_the_end_says_it_is_closed(world, study, client):
    participant = new_participant(world, 31, consent=False, confirm=True)
    _end(world, participant)
    sign_in(client, participant.episode.patient.user)
    page = client.get(reverse("my_studies")).content.decode()
    assert CLOSED in page
    assert reverse("my_study_consent", args=[participant.pk]) not in page
    # The page drawn before the end, sent after it.
    sent = client.post(
        reverse("my_study_consent", args=[participant.pk]),
        {"consent": study.consent_en.pk},
        follow=True,
    )
    said = [str(m) for m in sent.context["messages"]]
    assert any(CLOSED in m for m in said), said
    assert not any("care model" in m for m in said), said
    participant.refresh_from_db()
    assert participant.consented_at is None and participant.randomised_at is None


def test_a_consent_given_before_the_end_is_not_randomised_after_it(world, study):
    participant = new_participant(world, 32, consent=True, confirm=False)
    _end(world, participant)
    with pytest.raises(ValidationError, match="can no longer be randomised"):
        actions.do_confirm_eligibility(participant, acting_user=study.coordinator)
    participant = Participant.objects.get(pk=participant.pk)
    assert participant.eligibility_confirmed_at is None and participant.randomised_at is None


def test_an_invitation_to_a_closed_study_says_so(world, study, client):
    participant = new_participant(world, 33, consent=False, confirm=False)
    actions.do_close_study(study.study, acting_user=study.investigator)
    sign_in(client, participant.episode.patient.user)
    page = client.get(reverse("my_studies")).content.decode()
    assert "The study is no longer recruiting." in page
    assert reverse("my_study_consent", args=[participant.pk]) not in page


def test_an_invitation_sent_after_the_course_ended_meanwhile_says_why(world, study, client):
    """The coordinator's list was drawn before the course ended: the choice sent after it
    answered Django's "Select a valid choice", which said neither what nor why."""
    _patient, episode = make_patient(world.clinic, "late.invite@alpha.test", first="Late")
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    found = client.get(client.post(url, {"q": "Late"})["Location"]).content.decode()
    assert f'value="{episode.pk}"' in found
    begun_by(episode, timezone.localdate())
    do_end_episode(episode, acting_user=world["therapist"], reason="completed")
    page = client.post(url, {"episode": episode.pk})
    body = " ".join(page.content.decode().split())
    assert "This patient can no longer be invited: their course has ended" in body
    assert "Select a valid choice" not in body
    assert not Participant.objects.filter(episode=episode).exists()
