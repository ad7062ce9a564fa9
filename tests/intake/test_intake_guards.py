"""Guards that mirror clinical practice: acceptance needs consent and completed screening
(or a recorded clinical reason to go ahead without screening); declining before an
assessment needs a clinician."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.intake import actions
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import Application, Status, TriageAction
from tessera.letters.models import Letter
from tests.conftest import sign_in
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def _unscreened(world):
    """A submitted self-referral whose screening was never finished (as after a clinic
    added a questionnaire to its screening set): screened_at is empty."""
    application = make_application(world.clinic, "unscreened@apply.test")
    Application.objects.filter(pk=application.pk).update(screened_at=None)
    application.refresh_from_db()
    return application


@pytest.fixture
def version(world):
    return published_version(world)


def _assess(world, application, version=None, **extra):
    return decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(**extra),
    )


def test_acceptance_without_completed_screening_needs_a_clinical_reason(world, version):
    application = _unscreened(world)
    with pytest.raises(ValidationError) as refused:
        _assess(world, application, version)
    assert "screening_skip_reason" in refused.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.episode_id is None
    assert not Letter.objects.filter(application=application, kind="started").exists()
    _assess(world, application, version, screening_skip_reason="Cannot read; screened by phone.")
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    row = TriageAction.objects.get(application=application, kind="assess")
    assert row.details["screening_skipped"] is True
    assert "screened by phone" in row.reason


def test_acceptance_without_consent_is_refused_even_with_a_reason(world, version):
    application = make_application(world.clinic, "noconsent@apply.test")
    Application.objects.filter(pk=application.pk).update(consent_accepted_at=None)
    application.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _assess(world, application, version, screening_skip_reason="Anything")
    assert "consent" in " ".join(refused.value.message_dict["decision"])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_decline_after_assessment_needs_no_consent_or_screening(world):
    application = _unscreened(world)
    _assess(world, application, decision="decline", reason="Needs specialist care.")
    application.refresh_from_db()
    assert application.status == Status.DECLINED


def test_an_intake_coordinator_cannot_decline_without_an_assessment(world):
    application = make_application(world.clinic, "decline@apply.test")
    with pytest.raises(ValidationError) as refused:
        actions.do_decline(application, acting_user=world["intake"], reason="Not for us.")
    assert "clinician" in str(refused.value)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    # referring on stays open to them, and a clinician may decline
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    application.refresh_from_db()
    assert application.status == Status.DECLINED


def test_the_coordinator_sees_why_there_is_no_decline_button(world, client):
    application = make_application(world.clinic, "page@apply.test")
    sign_in(client, world["intake"])
    url = reverse("intake_application", args=[application.pk])
    body = client.get(url).content.decode()
    assert 'id="decline-needs-clinician"' in body and "decline-reason" not in body
    response = client.post(
        reverse("intake_application_action", args=[application.pk, "decline"]),
        {"decline-reason": "Not for us."},
    )
    assert response.status_code == 400 and "Only a clinician" in response.content.decode()
    sign_in(client, world["assessor"])
    body = client.get(url).content.decode()
    assert "decline-reason" in body


def test_the_assessment_form_warns_and_asks_for_the_reason(world, client):
    application = _unscreened(world)
    sign_in(client, world["assessor"])
    body = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert 'id="no-screening"' in body and "assess-screening_skip_reason" in body
    screened = make_application(world.clinic, "screened@apply.test")
    body = client.get(reverse("intake_application", args=[screened.pk])).content.decode()
    assert 'id="no-screening"' not in body and "assess-screening_skip_reason" not in body


def test_only_the_clinics_own_care_models_are_offered_and_accepted(world, version, client):
    """Issue 20: intake offered every care model and stored face_to_face raw."""
    world.clinic.refresh_from_db()
    assert world.clinic.offers_guided and not world.clinic.offers_unguided
    application = make_application(world.clinic, "models@apply.test")
    with pytest.raises(ValidationError) as refused:
        _assess(world, application, version, care_model="face_to_face")
    assert "care_model" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _assess(world, application, version, care_model="unguided")
    sign_in(client, world["assessor"])
    body = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert 'value="guided"' in body
    assert 'value="face_to_face"' not in body and 'value="unguided"' not in body
    _assess(world, application, version, care_model="guided")
    body = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert "(guided)" in body
