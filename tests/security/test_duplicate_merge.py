"""A merge of duplicates never hands a referral to another account unasked (issue 13, #3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.intake import actions
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application, Status
from tests.intake.intake_helpers import consent_for, make_application

REFERRAL = {
    "referrer_name": "Dr Eva Berg",
    "organisation": "Centre",
    "role": "GP",
    "phone": "1",
    "secure_email": "gp@centre.test",
    "reason": "Low mood",
}


def _gp_referral_and_impostor(world):
    consent_for(world.clinic)
    referral = apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={
            "first_name": "Ada",
            "last_name": "Applicant",
            "date_of_birth": dt.date(1990, 5, 6),
            "email": "ada@real.test",
            "phone": "0701234567",
        },
    )
    impostor = make_application(world.clinic, "impostor@evil.test")
    assert impostor.possible_duplicate_of == referral
    return referral, impostor


def test_the_suggested_merge_does_not_move_the_referral_to_the_applicant(world):
    referral, impostor = _gp_referral_and_impostor(world)
    with pytest.raises(ValidationError):
        actions.do_merge_duplicate(impostor, acting_user=world["intake"])
    referral.refresh_from_db()
    impostor.refresh_from_db()
    assert referral.applicant is None and impostor.status != Status.DUPLICATE
    kept = actions.do_merge_duplicate(
        impostor, acting_user=world["intake"], owner=actions.OWNER_KEEP
    )
    assert kept == referral and kept.applicant is None
    assert not Application.objects.visible_to(impostor.applicant).filter(pk=referral.pk).exists()


def test_the_coordinator_sees_why_and_chooses_the_account(world, login):
    referral, impostor = _gp_referral_and_impostor(world)
    client = login(world["intake"])
    body = client.get(reverse("intake_application", args=[impostor.pk])).content.decode()
    assert "the same name and date of birth" in body
    assert "impostor@evil.test" in body and 'name="owner"' in body
    url = reverse("intake_application_action", args=[impostor.pk, "merge"])
    client.post(url)
    referral.refresh_from_db()
    assert referral.applicant is None
    client.post(url, {"owner": "newer"})
    referral.refresh_from_db()
    assert referral.applicant == impostor.applicant
    merge = referral.triage_actions.get(kind="merge")
    assert merge.details["owner"] == "newer"
    assert merge.details["matched_on"] == ["name_and_birth_date"]
