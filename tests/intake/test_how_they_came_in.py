"""The patient overview's "How they came in" (decision 0138): the episode's care team
reads the application that opened it (when and how, the referrer, the screening totals,
the assessment, its working diagnoses, the programme chosen and why) without an intake
role; a colleague consulted on the case and staff of another clinic do not; only the
roles that may open the full application get its link."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core import access
from tessera.core.models import Episode, User
from tessera.intake.models import Application
from tests.conftest import sign_in
from tests.consultation.consultation_helpers import ask
from tests.intake.assessment_helpers import accepted_episode, assessed
from tests.intake.intake_helpers import make_application, make_gp_referral

pytestmark = pytest.mark.django_db

HEADING = 'id="arrival-heading"'


def _overview(client, user, episode) -> tuple[int, str]:
    sign_in(client, user)
    response = client.get(
        reverse("episode_overview", kwargs={"episode_id": episode.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return response.status_code, response.content.decode()


@pytest.fixture
def admitted(world):
    return accepted_episode(world, make_application(world.clinic, "ada@example.test"))


def test_the_therapist_reads_how_their_patient_came_in(world, admitted, client):
    status, html = _overview(client, world["therapist"], admitted)
    assert status == 200 and HEADING in html
    section = html[html.index(HEADING) :]
    assert "Self-referral" in section
    assert "PHQ-9 8" in section and "GAD-7 14" in section  # the screening's totals
    assert "F32.1" in section  # the working diagnosis
    assessor = world["assessor"]
    assert str(assessor) in section
    assert "Low mood since spring" in section  # the assessment's notes
    # A therapist holds no intake role: no link to a page that would answer 404.
    application = Application.objects.get(episode=admitted)
    assert reverse("intake_application", args=[application.pk]) not in html


def test_a_referral_names_its_referrer(world, client):
    application = make_gp_referral(
        world.clinic, "bo@example.test", "Elm Street Practice", timezone.now()
    )
    application.refresh_from_db()
    episode = Episode.objects.get(pk=assessed(world, application).episode_id)
    _status, html = _overview(client, world["therapist"], episode)
    section = html[html.index(HEADING) :]
    assert "Professional referral" in section
    assert "referred by Dr Gee (GP, Elm Street Practice)" in section


def test_the_clinic_manager_reads_it_and_opens_the_application(world, admitted, client):
    status, html = _overview(client, world["manager"], admitted)
    application = Application.objects.get(episode=admitted)
    assert status == 200 and "F32.1" in html
    assert reverse("intake_application", args=[application.pk]) in html


def test_a_supervisor_reads_it(world, admitted, client):
    _status, html = _overview(client, world["supervisor"], admitted)
    assert HEADING in html and "F32.1" in html


def test_a_colleague_consulted_on_the_case_does_not(world, admitted, client):
    ask(world, episode=admitted)
    status, html = _overview(client, world["colleague"], admitted)
    assert status == 200  # the consultation lets them read the overview
    assert HEADING not in html and "F32.1" not in html


def test_a_therapist_of_another_clinic_does_not(world, admitted, client):
    status, html = _overview(client, world["other_therapist"], admitted)
    assert status == 404 and "F32.1" not in html


def test_an_episode_opened_without_an_application_has_no_section(world, client):
    _status, html = _overview(client, world["therapist"], world.episode)
    assert HEADING not in html


def test_the_policy_names_the_care_team(world, admitted):
    readers = {
        kind
        for kind in [
            "therapist",
            "colleague",
            "intake",
            "assessor",
            "supervisor",
            "manager",
            "author",
            "researcher",
            "other_therapist",
            "other_manager",
        ]
        if access.may_read_how_they_came_in(User.objects.get(pk=world[kind].pk), admitted)
    }
    assert readers == {"therapist", "intake", "assessor", "supervisor", "manager"}


def test_the_demo_therapist_reads_pias_diagnoses_and_screening(seeded_demo, client):
    """Decision 0133 brought the demo's patients in through intake; their therapist now
    reads it on the overview, and Fjordside's therapist does not."""
    episode = Episode.objects.get(patient__email="patient@demo.tessera.test")
    application = Application.objects.select_related("assessment").get(episode=episode)
    status, html = _overview(client, User.objects.get(email="therapist@demo.tessera.test"), episode)
    section = html[html.index(HEADING) :]
    assert status == 200
    for code in application.assessment.diagnoses:
        assert code in section
    for answer in application.screening_answers.all():
        assert f"{answer.instrument} {answer.total}" in section
    status, html = _overview(
        client, User.objects.get(email="fjord.therapist@demo.tessera.test"), episode
    )
    assert status == 404 and HEADING not in html
