"""Research consent inside the self-referral flow: an applicant to a clinic with a study
open sees its information on their application, consents or declines apart from the
application (which goes on unchanged), and the answer is carried over when their
episode is invited; consent then leads to randomisation like any other."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.intake.models import Application
from tessera.research import actions
from tessera.research.models import ApplicationAnswer
from tests.conftest import make_patient, sign_in
from tests.intake.intake_helpers import make_application
from tests.research.fixtures import build_study
from tests.snapshot import shared, shared_data


@shared_data("applied_study", extends="world")
def build_applied(world):
    """The running study and an application to its clinic, built once per process on the
    shared world and rolled back to for each test (tests/snapshot.py, decision 0104)."""
    ns = build_study(world)
    application = make_application(world.clinic, "ada@apply.test")
    return ns, application


@pytest.fixture
def applied_study(request, _snapshots, db):
    """The test's own copy (the fixture's name is the shared data's)."""
    return shared(request, "applied_study")


@pytest.fixture
def applied(applied_study):
    return applied_study


def _episode_for(world, application, n=1):
    """The clinic accepts the applicant: here only the link the acceptance makes."""
    _patient, episode = make_patient(
        world.clinic, f"accepted{n}@alpha.test", therapist=world["therapist"], first="Ada"
    )
    Application.objects.filter(pk=application.pk).update(episode=episode)
    return episode


def test_the_application_page_offers_the_open_study(client, applied):
    ns, application = applied
    sign_in(client, application.applicant)
    status = client.get(reverse("intake_status", args=[application.pk])).content.decode()
    assert reverse("application_studies", args=[application.pk]) in status
    page = client.get(reverse("application_studies", args=[application.pk])).content.decode()
    assert "CALM trial" in page and "You may take part in CALM." in page
    assert "your application and your care go on exactly the same" in page


def test_consenting_when_applying_changes_nothing_in_the_application(client, applied):
    ns, application = applied
    before = model_to_dict(Application.objects.get(pk=application.pk))
    sign_in(client, application.applicant)
    url = reverse("application_study_consent", args=[application.pk, ns.study.pk])
    assert client.post(url, {"consent": ns.consent_en.pk}).status_code == 302
    answer = ApplicationAnswer.objects.get()
    assert answer.answer == "consented" and answer.consent_version == ns.consent_en
    assert model_to_dict(Application.objects.get(pk=application.pk)) == before
    event = AuditEvent.objects.filter(action="research.application_answered").get()
    assert event.changes["answer"] == "consented" and event.changes["version"] == 1
    page = client.get(reverse("application_studies", args=[application.pk])).content.decode()
    assert "You consented on" in page
    with pytest.raises(ValidationError):
        actions.do_answer_at_application(
            application, ns.study, consent=None, acting_user=application.applicant
        )


def test_declining_changes_nothing_either(client, applied):
    ns, application = applied
    before = model_to_dict(Application.objects.get(pk=application.pk))
    sign_in(client, application.applicant)
    client.post(reverse("application_study_decline", args=[application.pk, ns.study.pk]))
    assert ApplicationAnswer.objects.get().answer == "declined"
    assert model_to_dict(Application.objects.get(pk=application.pk)) == before


def test_only_the_applicant_answers(client, world, applied):
    ns, application = applied
    with pytest.raises(PermissionDenied):
        actions.do_answer_at_application(
            application, ns.study, consent=ns.consent_en, acting_user=world["therapist"]
        )
    sign_in(client, world["other_patient"])
    assert client.get(reverse("application_studies", args=[application.pk])).status_code == 404


def test_an_old_consent_version_is_refused(applied):
    ns, application = applied
    actions.do_publish_consent(
        ns.study, acting_user=ns.investigator, language="en", text="Version two."
    )
    with pytest.raises(ValidationError):
        actions.do_answer_at_application(
            application, ns.study, consent=ns.consent_en, acting_user=application.applicant
        )


def test_the_consent_is_carried_over_and_leads_to_randomisation(world, applied):
    ns, application = applied
    actions.do_answer_at_application(
        application, ns.study, consent=ns.consent_en, acting_user=application.applicant
    )
    episode = _episode_for(world, application)
    participant = actions.do_invite(ns.study, episode, acting_user=ns.coordinator)
    assert participant.consented_at is not None and participant.consent_version == ns.consent_en
    participant = actions.do_confirm_eligibility(participant, acting_user=ns.coordinator)
    assert participant.randomised_at is not None and participant.arm is not None


def test_a_decline_is_carried_over_as_declined(world, applied):
    ns, application = applied
    actions.do_answer_at_application(
        application, ns.study, consent=None, acting_user=application.applicant
    )
    participant = actions.do_invite(
        ns.study, _episode_for(world, application), acting_user=ns.coordinator
    )
    assert participant.exclusion == "declined" and participant.excluded_at is not None
    assert participant.stage == "excluded"


def test_no_offer_without_a_recruiting_study(client, world):
    application = make_application(world.clinic, "bea@apply.test")
    sign_in(client, application.applicant)
    status = client.get(reverse("intake_status", args=[application.pk])).content.decode()
    assert reverse("application_studies", args=[application.pk]) not in status
