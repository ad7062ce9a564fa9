"""An invitation link is bound to the invited person (issue 13, #2)."""

import datetime as dt

from django.urls import reverse

from tessera.intake import notify
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application
from tests.conftest import make_user
from tests.intake.intake_helpers import consent_for

REFERRAL = {
    "referrer_name": "Dr Eva Berg",
    "organisation": "Centre",
    "role": "GP",
    "phone": "1",
    "secure_email": "gp@centre.test",
    "reason": "Low mood",
}


def _refer(world, **person) -> Application:
    consent_for(world.clinic)
    return apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={
            "first_name": "Gus",
            "last_name": "Holm",
            "date_of_birth": dt.date(1983, 5, 21),
            "email": "gus@person.test",
            "national_id_country": "SE",
            "national_id": "198305214564",
        }
        | person,
    )


def _url(application):
    return reverse("intake_invite", args=[notify.invite_token(application)])


def test_a_stranger_who_opens_the_link_gets_nothing_and_the_person_still_can(world, login):
    application = _refer(world)
    stranger = make_user("stranger@else.test")
    client = login(stranger)
    body = client.get(_url(application)).content.decode()
    assert "198305214564" not in body and "gus@person.test" not in body
    response = client.post(_url(application))
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.applicant is None
    person = make_user("gus@person.test")
    response = login(person).post(_url(application))
    assert response["Location"] == reverse("intake_consent", args=[application.pk])
    application.refresh_from_db()
    assert application.applicant == person


def test_the_person_with_another_address_confirms_birth_date_and_id_digits(world, login):
    application = _refer(world)
    person = make_user("gus.private@elsewhere.test")
    client = login(person)
    wrong = client.post(_url(application), {"date_of_birth": "1983-05-21", "last_four": "0000"})
    assert "do not match" in wrong.content.decode()
    response = client.post(_url(application), {"date_of_birth": "1983-05-21", "last_four": "4564"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.applicant == person


def test_confirmation_attempts_are_limited(world, login, settings):
    application = _refer(world)
    client = login(make_user("guesser@else.test"))
    for n in range(settings.TESSERA_INVITE_CONFIRM_ATTEMPTS):
        client.post(_url(application), {"date_of_birth": "1983-05-21", "last_four": f"{n:04d}"})
    response = client.post(_url(application), {"date_of_birth": "1983-05-21", "last_four": "4564"})
    assert "Too many attempts" in response.content.decode()
    application.refresh_from_db()
    assert application.applicant is None


def test_a_claimed_invitation_cannot_be_claimed_again(world, login):
    application = _refer(world)
    login(make_user("gus@person.test")).post(_url(application))
    other = make_user("x@else.test")
    response = login(other).post(
        _url(application), {"date_of_birth": "1983-05-21", "last_four": "4564"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.applicant.email == "gus@person.test"


def test_without_identity_details_only_the_invited_address_can_claim(world, login):
    application = _refer(world, national_id="", national_id_country="")
    client = login(make_user("x@else.test"))
    body = client.get(_url(application)).content.decode()
    assert "sign in with the e-mail address the invitation was sent to" in body
    client.post(_url(application), {"date_of_birth": "1983-05-21", "last_four": "0000"})
    application.refresh_from_db()
    assert application.applicant is None
