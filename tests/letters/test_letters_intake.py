"""Letters about applications: to the referrer only with consent, stored with the
application, listed on its page, readable by intake staff, never e-mailed."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from tessera.intake import actions
from tessera.intake.actions import apply as apply_actions
from tessera.intake.actions import decisions as decision_actions
from tessera.letters.models import Letter
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import REFERRAL, make_application

PERSON = {"first_name": "Rut", "last_name": "Referred", "date_of_birth": dt.date(1981, 2, 3)}


def _refer(world, consent: bool):
    return apply_actions.do_refer(
        world.clinic, referral=REFERRAL | {"consent_to_letters": consent}, person=PERSON
    )


def test_received_letter_to_the_referrer_with_consent(world):
    application = _refer(world, consent=True)
    letter = Letter.objects.get(application=application)
    assert letter.kind == "received" and letter.patient is None and letter.episode is None
    assert (letter.recipient_name, letter.recipient_organisation) == (
        "Dr Eva Berg",
        "Health Centre",
    )
    assert "Rut Referred" in letter.html and application.reference in letter.html
    assert all("Rut" not in m.body for m in mail.outbox)  # never e-mailed


def test_no_letter_without_consent_only_a_receipt_that_names_nobody(world):
    application = _refer(world, consent=False)
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    (receipt,) = Letter.objects.filter(application=application)
    assert receipt.kind == "received"
    assert "Rut" not in receipt.html and "Not for us" not in receipt.html


def test_no_letter_for_a_self_referral_without_a_gp(world):
    application = make_application(world.clinic, "self@apply.test")
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    assert not Letter.objects.exists()


def test_declined_letter_gives_the_reason(world):
    application = _refer(world, consent=True)
    actions.do_decline(application, acting_user=world["assessor"], reason="Needs specialist care.")
    letter = Letter.objects.get(application=application, kind="declined")
    assert "Needs specialist care." in letter.html


def _complete_as_the_referred_person(world, application):
    """The referred person claims the invitation, gives consent and screens."""
    from tests.conftest import make_user
    from tests.intake.intake_helpers import GAD, PHQ_NO_RISK, consent_for

    user = make_user("rut@apply.test")
    application.email = "rut@apply.test"
    application.save(update_fields=["email"])
    application = apply_actions.do_claim_invitation(application, user=user)
    apply_actions.do_accept_consent(application, consent_for(world.clinic), acting_user=user)
    for code, answers in (("PHQ-9", PHQ_NO_RISK), ("GAD-7", GAD)):
        apply_actions.do_submit_screening(
            application, code, answers, acting_user=user, language="en"
        )
    application.refresh_from_db()
    return application


def test_no_accepted_or_started_letter_without_consent_and_screening(world):
    import pytest
    from django.core.exceptions import ValidationError

    version = published_version(world)
    application = _refer(world, consent=True)
    with pytest.raises(ValidationError) as refused:
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            therapist=world["therapist"],
            **assess_kwargs(),
        )
    assert "consent" in str(refused.value) and "Screening" in str(refused.value)
    kinds = set(Letter.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == {"received"}
    application.refresh_from_db()
    assert application.status == "submitted" and application.episode_id is None


def test_accept_and_start_letters_carry_the_patient_and_episode(world):
    version = published_version(world)
    application = _complete_as_the_referred_person(world, _refer(world, consent=True))
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    kinds = set(Letter.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == {"received", "accepted", "started"}
    started = Letter.objects.get(application=application, kind="started")
    assert started.patient == application.patient and started.episode == application.episode
    # the referrer became the GP on the patient's record, with the same consent
    assert application.patient.gp_name == "Dr Eva Berg" and application.patient.letters_to_gp


def test_intake_staff_list_and_read_the_letters(world, login):
    application = _refer(world, consent=True)
    letter = Letter.objects.get(application=application)
    client = login(world["intake"])
    page = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert reverse("letter_detail", args=[letter.pk]) in page
    assert client.get(reverse("letter_detail", args=[letter.pk])).status_code == 200
    assert (
        login(world["therapist"]).get(reverse("letter_detail", args=[letter.pk])).status_code == 404
    )
    assert (
        login(world["other_manager"]).get(reverse("letter_detail", args=[letter.pk])).status_code
        == 404
    )
