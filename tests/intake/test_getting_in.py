"""Getting in survives any browser and any order of steps (issue 14): an invited
person's account ends attached to their application however they confirm and sign
in, and a self-referral's draft exists from sign-up, so confirming the address in
another browser loses nothing."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tessera.intake import notify
from tessera.intake.models import Application, Source
from tests.intake.intake_helpers import consent_for
from tests.outbox import drain

PASSWORD = "a-long-test-password-17"


def _refer(world, client, email="gus@person.test"):
    from tests.intake.test_intake_referral_pages import _form

    consent_for(world.clinic)
    client.post(reverse("intake_refer", args=["alpha"]), _form(**{"patient-email": email}))
    return Application.objects.get(source=Source.PROFESSIONAL)


def _sign_up(client, email):
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    drain()  # the confirmation goes through the outbox (docs/decisions/0029)


def _confirm(client, mailoutbox):
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    client.post("/" + link.split("/", 3)[3])


def _sign_in(client, email):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD}, follow=True)


def test_an_invitation_in_one_browser_ends_attached(world, mailoutbox):
    application = _refer(world, Client())
    browser = Client()
    url = reverse("intake_invite", args=[notify.invite_token(application)])
    browser.get(url)
    _sign_up(browser, "gus@person.test")
    _confirm(browser, mailoutbox)
    page = _sign_in(browser, "gus@person.test")
    application.refresh_from_db()
    assert application.applicant is not None
    assert page.redirect_chain[-1][0] == reverse("intake_consent", args=[application.pk])


def test_an_invitation_confirmed_in_another_browser_ends_attached(world, mailoutbox):
    application = _refer(world, Client())
    laptop, phone = Client(), Client()
    laptop.get(reverse("intake_invite", args=[notify.invite_token(application)]))
    _sign_up(laptop, "gus@person.test")
    _confirm(phone, mailoutbox)  # the phone's mail app
    page = _sign_in(phone, "gus@person.test")
    application.refresh_from_db()
    assert application.applicant.email == "gus@person.test"
    text = page.content.decode()
    assert "Continue your application to Clinic alpha" in text
    assert "not linked" not in text
    # and the laptop, signing in afterwards, goes straight to the next step
    page = _sign_in(laptop, "gus@person.test")
    assert page.redirect_chain[-1][0] == reverse("intake_consent", args=[application.pk])


def test_an_invitation_to_another_address_is_not_attached_by_sign_in(world, mailoutbox):
    application = _refer(world, Client())
    browser = Client()
    browser.get(reverse("intake_invite", args=[notify.invite_token(application)]))
    _sign_up(browser, "someone.else@person.test")
    _confirm(browser, mailoutbox)
    _sign_in(browser, "someone.else@person.test")
    application.refresh_from_db()
    assert application.applicant is None  # the claim page asks for date of birth instead


def test_a_self_referral_confirmed_in_another_browser_is_not_lost(world, mailoutbox):
    consent_for(world.clinic)
    laptop, phone = Client(), Client()
    laptop.get(reverse("intake_start", args=["alpha"]))
    _sign_up(laptop, "nina@apply.test")
    application = Application.objects.get(applicant__email="nina@apply.test")
    assert application.source == Source.SELF and application.clinic == world.clinic
    _confirm(phone, mailoutbox)
    page = _sign_in(phone, "nina@apply.test")
    text = page.content.decode()
    assert "Continue your application to Clinic alpha" in text
    assert reverse("intake_resume", args=[application.pk]) in text or "/consent/" in text


def test_sign_up_and_its_e_mail_use_the_house_texts(world, mailoutbox):
    body = Client().get("/accounts/signup/").content.decode()
    assert "Sign Up Closed" not in body and reverse("clinic_directory") in body
    consent_for(world.clinic)
    browser = Client()
    browser.get(reverse("intake_start", args=["alpha"]))
    _sign_up(browser, "nina@apply.test")
    message = mailoutbox[-1].body
    assert "Hello from" not in message and "Thank you for using" not in message
    assert "nobody reads the replies" in message
